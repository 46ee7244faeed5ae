import Foundation

extension PersonalData {
    /// Street words and their abbreviations, by first letter (quicker to try).
    static let streetTypes = #"(?:r(?:ue|oute|\.|esidence|es\.|te|ond-point|uelle)|a(?:venue|v\.?|llee|ll\.)|b(?:oulevard|d|ld|lvd|vd|oul\.)"#
        + #"|c(?:hemin|h\.|hem\.?|ours|ite)|i(?:mpasse|mp\.)|p(?:lace|l\.|assage|romenade|arvis)|q(?:uai)|s(?:quare|entier)|v(?:oie|enelle)"#
        + #"|f(?:aubourg|bg)|l(?:otissement|ot\.|ieu[ -]?dit)|h(?:ameau)|e(?:splanade))"#
    /// Code postal: a department (01 to 98) and three digits.
    private static let postalCode = #"(?<![0-9])(?:0[1-9]|[1-8][0-9]|9[0-8])[0-9]{3}(?![0-9])"#
    private static let town = #"[A-Za-z][A-Za-z'-]*(?:[ -](?:sur|sous|en|les|le|la|de|du|des|d'|l')[ -][A-Za-z][A-Za-z'-]*)?"#

    /// 12 rue des Lilas, 3 bis avenue Jean Jaurès, au 12 de la rue Pasteur, 4 r. Pasteur 62300 Lens.
    /// Case matters only for the capitals of the name ("rue des Lilas Et …" is not read on).
    nonisolated(unsafe) static let addressPattern = regex(
        before + #"[0-9]{1,4}(?=,?[ ]*[A-Za-z])(?:[ ]?(?i:bis|ter|quater|[a-d]))?,?[ ]+(?i:de[ ]+la[ ]+|de[ ]+l'[ ]*|du[ ]+)?(?i:"# + streetTypes + ")"
            + #"[ ]+(?:(?i:de[ ]+la|de[ ]+l'|du|des|de|d'|la|le|les|l')[ ]*)?[A-Za-z][A-Za-z'-]+(?:[ ]+[A-Z][A-Za-z'-]+)*"#
            + #"(?:[ ]?,?[ ]+"# + postalCode + "[ ]+" + town + ")?",
        caseInsensitive: false)

    /// Addresses without a number, with a postal code and a town: "lieu-dit Les Granges 24560 Issigeac",
    /// "chemin des Vignes 84000 Avignon", "Le Bourg, 46330 Cabrerets". Groups: the word, its name, the town.
    nonisolated(unsafe) static let ruralAddressPattern = regex(
        #"(?<![A-Za-z0-9])(lieu[ -]?dit|l\.d\.|hameau|le[ ]bourg|bourg|chemin|route|impasse|allee|rue|avenue|boulevard|residence|lotissement|domaine|ferme|moulin|mas|chateau)(?![A-Za-z])"#
            + #"((?:[ ,]+[A-Za-z0-9][A-Za-z0-9'.-]*){0,6}?)[ ]*,?[ ]+"# + postalCode + "[ ]+(" + town + ")")
    /// "La Croix 24560 Issigeac", "Les Chaumes, 23200 Aubusson", "Chez Brunet 16220 Montbron": capitals required.
    /// Groups: the whole name, its first word, the town.
    nonisolated(unsafe) static let placeNameAddressPattern = regex(
        #"(?<![A-Za-z0-9])((?:La|Le|Les|L'|Chez)[ ]?([A-Z][a-z][A-Za-z'-]*)(?:[ ](?:(?:de|du|des|la|le|d'|l')[ ]?)?[A-Z][A-Za-z'-]*){0,2})[ ]?,?[ ]+"#
            + postalCode + #"[ ]+((?:(?:La|Le|Les|L')[ ]?)?[A-Z][A-Za-z'-]+)"#,
        caseInsensitive: false)

    static func streetAddresses(_ folded: Folded) -> [NSRange] {
        var found = matches(addressPattern, in: folded).filter { isStreetAddress(folded[$0]) }
        let windows = folded.windows(around: folded.postalCodes, before: 100, after: 40)
        for match in textCheckingResults(ruralAddressPattern, in: folded, windows: windows)
        where isRuralAddress(word: folded[match[1]], name: folded[match[2]], town: folded[match[3]]) {
            if !found.contains(where: { overlaps($0, match[0]) }) { found.append(match[0]) }
        }
        // "La Rochelle, 17000 La Rochelle" is a town, not a place in it.
        for match in textCheckingResults(placeNameAddressPattern, in: folded, windows: windows)
        where !institutionNames.contains(folded[match[2]].lowercased()) && !isTownItself(folded[match[1]], town: folded[match[3]]) {
            if !found.contains(where: { overlaps($0, match[0]) }) { found.append(match[0]) }
        }
        return found
    }

    /// Street words that are also everyday words ("3 cours de français",
    /// "1 place en crèche", "la route de nuit") need a name with a capital.
    static let everydayStreetWords: Set<String> = ["cours", "place", "pl.", "route", "rte", "voie", "passage", "square", "cite", "mail",
                                                   "residence", "sentier", "parvis", "promenade", "esplanade"]
    static let linkWords: Set<String> = ["de", "la", "le", "les", "du", "des", "l", "d"]

    static func isStreetAddress(_ candidate: String) -> Bool {
        let words = candidate.split(whereSeparator: { $0 == " " || $0 == "," || $0 == "'" }).map(String.init)
        guard let typeIndex = words.firstIndex(where: { word in
            word.first?.isLetter == true && !["bis", "ter", "quater", "a", "b", "c", "d"].contains(word.lowercased())
                && !linkWords.contains(word.lowercased())
        }) else { return false }
        guard everydayStreetWords.contains(words[typeIndex].lowercased()) else { return true }
        let name = words[(typeIndex + 1)...].first { !linkWords.contains($0.lowercased()) }
        return name?.first?.isUppercase == true
    }

    static let strongRuralWords: Set<String> = ["lieu-dit", "lieu dit", "lieudit", "l.d.", "hameau", "le bourg", "bourg"]
    static let notTowns: Set<String> = ["et", "ou", "en", "a", "au", "de", "du", "des", "le", "la", "les", "habitants", "personnes",
                                        "euros", "euro", "ans", "est", "sont", "pour", "par", "sur", "dans", "avec"]
    static let institutionNames: Set<String> = ["poste", "mairie", "prefecture", "sous-prefecture", "gare", "maison",
                                                "banque", "caisse", "mission", "region", "croix-rouge"]

    /// "chemin des Vignes 84000 Avignon", not "la route entre 24560 Issigeac et …".
    static func isRuralAddress(word: String, name: String, town: String) -> Bool {
        let words = name.split(whereSeparator: { $0 == " " || $0 == "," }).map(String.init)
        let strong = strongRuralWords.contains(word.lowercased())
        if let first = words.first {
            let head = first.lowercased()
            let linked = linkWords.contains(head) || head.hasPrefix("d'") || head.hasPrefix("l'")
            guard linked || first.first?.isUppercase == true || (strong && first.first?.isLetter == true) else { return false }
        } else if !strong {
            return false
        }
        guard let initial = town.first, !notTowns.contains(town.lowercased()) else { return false }
        return initial.isUppercase || strong
    }

    static func isTownItself(_ name: String, town: String) -> Bool {
        let name = name.lowercased().filter { $0 != " " }, town = town.lowercased().filter { $0 != " " }
        return town.hasPrefix(name) || name.hasPrefix(town)
    }
}
