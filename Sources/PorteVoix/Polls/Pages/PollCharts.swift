import Foundation
import Plot

/// The results' charts, drawn on the server as SVG elements (no script);
/// the same figures follow as text on every page that shows one.
enum PollCharts {
    static let gradeColours = ["#8c1c13", "#c4441c", "#d98a00", "#b3a100", "#6a9b34", "#2f7d3b", "#1b5e2a"]

    /// Horizontal bars.
    static func bars(_ bars: [(label: String, count: Int)], title: String) -> Node<HTML.BodyContext> {
        let width = 600, rowHeight = 36
        let maximum = max(1, bars.map(\.count).max() ?? 1)
        let rows = bars.enumerated().flatMap { index, bar -> [Node<HTML.BodyContext>] in
            let y = index * rowHeight + 5
            let length = max(Int(Double(width - 120) * Double(bar.count) / Double(maximum)), 2)
            return [
                shape("rect", ["x": "0", "y": "\(y)", "width": "\(length)", "height": "24", "fill": "#1d4f91"]),
                shape("text", ["x": "\(length + 8)", "y": "\(y + 17)", "font-size": "16", "fill": "#1b1b1b"],
                      text: "\(bar.label) : \(bar.count)"),
            ]
        }
        return svg(width: width, height: bars.count * rowHeight + 10, title: title, rows)
    }

    /// One stacked bar per option: its grades, worst on the left, and the median line.
    static func judgments(_ results: [(label: String, tally: [Int])], title: String) -> Node<HTML.BodyContext> {
        let width = 600, rowHeight = 58
        var nodes: [Node<HTML.BodyContext>] = []
        for (index, result) in results.enumerated() {
            let y = index * rowHeight + 5
            let total = max(1, result.tally.reduce(0, +))
            nodes.append(shape("text", ["x": "0", "y": "\(y + 14)", "font-size": "15", "fill": "#1b1b1b"], text: result.label))
            var x = 0.0
            for (grade, count) in result.tally.enumerated() where count > 0 {
                let segment = Double(width) * Double(count) / Double(total)
                nodes.append(shape("rect", ["x": String(format: "%.1f", x), "y": "\(y + 22)", "width": String(format: "%.1f", segment),
                                            "height": "24", "fill": gradeColours[grade]]))
                x += segment
            }
            // The median line: half of the voters on each side.
            nodes.append(shape("line", ["x1": "\(width / 2)", "x2": "\(width / 2)", "y1": "\(y + 18)", "y2": "\(y + 50)",
                                        "stroke": "#000", "stroke-width": "2"]))
        }
        return svg(width: width, height: results.count * rowHeight + 10, title: title, nodes)
    }

    private static func svg(width: Int, height: Int, title: String, _ nodes: [Node<HTML.BodyContext>]) -> Node<HTML.BodyContext> {
        .element(named: "svg", nodes: [
            .attribute(named: "class", value: "graphique"), .attribute(named: "role", value: "img"),
            .attribute(named: "viewBox", value: "0 0 \(width) \(height)"), .attribute(named: "width", value: "100%"),
            // Plot writes attribute values as they are: the title comes from data.
            .attribute(named: "aria-label", value: escapeAttribute(title)),
        ] + nodes)
    }

    /// One shape; its attributes are numbers and colours of this file, its text
    /// (a label from data) is escaped exactly (`plain`).
    private static func shape(_ name: String, _ attributes: KeyValuePairs<String, String>, text: String? = nil) -> Node<HTML.BodyContext> {
        .element(named: name, nodes: attributes.map { .attribute(named: $0.key, value: $0.value) } + (text.map { [.plain($0)] } ?? []))
    }
}
