// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "portevoix",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "portevoix", targets: ["PorteVoixServer"]),
        .executable(name: "portevoix-bench", targets: ["PorteVoixBench"]),
        .executable(name: "portevoix-measured", targets: ["PorteVoixMeasured"]),
    ],
    dependencies: [
        .package(url: "https://github.com/vapor/vapor.git", from: "4.122.0"),
        .package(url: "https://github.com/vapor/fluent.git", from: "4.13.0"),
        .package(url: "https://github.com/vapor/fluent-sqlite-driver.git", from: "4.9.0"),
        .package(url: "https://github.com/vapor/fluent-postgres-driver.git", from: "2.14.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.0"..<"5.0.0"),
        .package(url: "https://github.com/JohnSundell/Plot.git", from: "0.14.0"),
        .package(url: "https://github.com/JohnSundell/Ink.git", from: "0.6.0"),
        .package(url: "https://github.com/yaslab/CSV.swift.git", from: "2.5.2"),
        .package(url: "https://github.com/weichsel/ZIPFoundation.git", from: "0.9.20"),
        .package(url: "https://github.com/apple/swift-openapi-generator.git", from: "1.14.3"),
        .package(url: "https://github.com/apple/swift-openapi-runtime.git", from: "1.13.4"),
        .package(url: "https://github.com/vapor/swift-openapi-vapor.git", from: "1.2.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
    ],
    targets: [
        // Pure Swift: ballots, tallies, majority judgment, sealing and secret
        // sharing. No Vapor, no database.
        .target(name: "Voting", dependencies: [.product(name: "Crypto", package: "swift-crypto")]),
        // Pure Swift: finds personal data in French text (moderation, design/security.md).
        .target(name: "PersonalData"),
        // The read API's OpenAPI document and the server code generated from it.
        .target(
            name: "PorteVoixAPI",
            dependencies: [.product(name: "OpenAPIRuntime", package: "swift-openapi-runtime")],
            resources: [.copy("openapi.json")],
            plugins: [.plugin(name: "OpenAPIGenerator", package: "swift-openapi-generator")]
        ),
        .target(
            name: "PorteVoix",
            dependencies: [
                .target(name: "Voting"),
                .target(name: "PersonalData"),
                .target(name: "PorteVoixAPI"),
                .product(name: "Vapor", package: "vapor"),
                .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime"),
                .product(name: "OpenAPIVapor", package: "swift-openapi-vapor"),
                .product(name: "Fluent", package: "fluent"),
                .product(name: "FluentSQLiteDriver", package: "fluent-sqlite-driver"),
                .product(name: "FluentPostgresDriver", package: "fluent-postgres-driver"),
                .product(name: "Plot", package: "Plot"),
                .product(name: "Ink", package: "Ink"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        .executableTarget(
            name: "PorteVoixServer",
            dependencies: [
                .target(name: "PorteVoix"),
                .product(name: "Vapor", package: "vapor"),
            ]
        ),
        // The site from a synchronous main, for valgrind (bench/instructions).
        .executableTarget(
            name: "PorteVoixMeasured",
            dependencies: [
                .target(name: "PorteVoix"),
                .product(name: "Vapor", package: "vapor"),
            ]
        ),
        .executableTarget(
            name: "PorteVoixBench",
            dependencies: [
                .target(name: "PorteVoix"),
                .target(name: "Voting"),
                .target(name: "PersonalData"),
                .product(name: "Vapor", package: "vapor"),
                .product(name: "Fluent", package: "fluent"),
            ]
        ),
        .testTarget(
            name: "VotingTests",
            dependencies: [.target(name: "Voting")]
        ),
        .testTarget(
            name: "PersonalDataTests",
            dependencies: [.target(name: "PersonalData")],
            exclude: ["with-personal-data.txt", "without-personal-data.txt",
                      "held-out-with-personal-data.txt", "held-out-without-personal-data.txt"]
        ),
        .testTarget(
            name: "PorteVoixTests",
            dependencies: [
                .target(name: "PorteVoix"),
                .product(name: "VaporTesting", package: "vapor"),
                // To read the exported files back with a real CSV parser.
                .product(name: "CSV", package: "CSV.swift"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
