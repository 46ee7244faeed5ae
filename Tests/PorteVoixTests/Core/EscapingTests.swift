import Plot
import Testing
@testable import PorteVoix

@Suite("HTML escaping")
struct EscapingTests {
    static let hostile = [
        #""><script>alert(1)</script>"#,
        "' onfocus='alert(1)' autofocus='",
        #"" onmouseover="alert(document.cookie)"#,
        "</textarea><img src=x onerror=alert(1)>",
        "javascript:alert(1)",
        "&amp; &lt;b&gt; &#39; &quot;",
        "Marié & Cie <b>gras</b>",
        "\u{0}\u{7}🙂 émoji",
    ]

    @Test(arguments: hostile)
    func escapedValuesCannotLeaveAnAttribute(value: String) {
        let escaped = escapeAttribute(value)
        for character in ["<", ">", "\"", "'"] {
            #expect(!escaped.contains(character))
        }
        // Every & starts one of our five entities.
        let ampersands = occurrences(of: "&", in: escaped)
        let entities = ["&amp;", "&lt;", "&gt;", "&quot;", "&#39;"].map { occurrences(of: $0, in: escaped) }
        #expect(ampersands == entities.reduce(0, +))
        #expect(unescape(escaped) == value)
    }

    @Test(arguments: hostile)
    func anAttributeBuiltWithTheHelperStaysOneAttribute(value: String) {
        let html = Node<HTML.BodyContext>.input(.name("titre"), .value(escapeAttribute(value))).render()
        #expect(html == "<input name=\"titre\" value=\"\(escapeAttribute(value))\"/>")
        #expect(occurrences(of: "\"", in: html) == 4)
        #expect(!html.contains("onfocus='"))
    }

    @Test(arguments: hostile)
    func plainTextShowsExactlyWhatWasTyped(value: String) {
        let html = Node<HTML.BodyContext>.p(.plain(value)).render()
        #expect(!html.dropFirst(3).dropLast(4).contains("<"))
        #expect(unescape(String(html.dropFirst(3).dropLast(4))) == value)
    }

    @Test func paragraphsAreEscapedThenMarkedUp() {
        let html = richText("Premier <b>\nsuite\r\n\r\n\"Second\" & fin\n\n\n").render()
        #expect(html == "<p>Premier &lt;b&gt;<br>suite</p><p>&quot;Second&quot; &amp; fin</p>")
    }

    @Test func theFormTokenFieldIsEscaped() {
        let html = Node<HTML.FormContext>.csrfField("a\"b").render()
        #expect(html == #"<input type="hidden" name="_csrf" value="a&quot;b"/>"#)
    }

    private func unescape(_ text: String) -> String {
        text.replacingOccurrences(of: "&lt;", with: "<")
            .replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&quot;", with: "\"")
            .replacingOccurrences(of: "&#39;", with: "'")
            .replacingOccurrences(of: "&amp;", with: "&")
    }
}

@Suite("Charts show labels exactly")
struct ChartEscapingTests {
    /// A poll option or a theme is data: its label in the SVG reads exactly
    /// as typed, entity-looking text included, and the title cannot leave
    /// its attribute.
    @Test func aLabelAndATitleAreEscapedExactly() {
        let page = HTML(.body(PollCharts.bars([("R&amp;D <b>\"ici\"</b>", 3)], title: "Titre \" onload=\"x"))).render()
        #expect(page.contains("R&amp;amp;D &lt;b&gt;&quot;ici&quot;&lt;/b&gt; : 3"))
        #expect(page.contains("aria-label=\"Titre &quot; onload=&quot;x\""))
        #expect(!page.contains("<b>"))
        let judged = HTML(.body(PollCharts.judgments([("A&amp;B", [1, 2, 0, 0, 0, 0, 1])], title: "t"))).render()
        #expect(judged.contains(">A&amp;amp;B</text>"))
    }
}
