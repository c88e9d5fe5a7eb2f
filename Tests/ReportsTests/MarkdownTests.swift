import Testing
@testable import Reports

@Suite struct MarkdownTests {
    @Test func blocksAndInlineMarkup() {
        let html = Markdown.html("""
            # Title
            Some *emphasis*, **strong** and `code`.
            Same paragraph.

            - one
            - two

            1. first
            2. second

            > quoted

            ```
            let x = 1 < 2
            ```
            ---
            """)
        #expect(html == """
            <h1>Title</h1>
            <p>Some <em>emphasis</em>, <strong>strong</strong> and <code>code</code>.
            Same paragraph.</p>
            <ul><li>one</li><li>two</li></ul>
            <ol><li>first</li><li>second</li></ol>
            <blockquote><p>quoted</p>
            </blockquote>
            <pre><code>let x = 1 &lt; 2</code></pre>
            <hr>

            """)
    }

    @Test func pipeTables() {
        let html = Markdown.html("""
            Before.
            | stage | eval |
            |---|---:|
            | **free** mel | 12.5 dB |
            | <b>x</b> | |
            After.
            """)
        #expect(html == "<p>Before.</p>\n<table><thead><tr><th>stage</th><th>eval</th></tr></thead><tbody>"
            + "<tr><td><strong>free</strong> mel</td><td>12.5 dB</td></tr><tr><td>&lt;b&gt;x&lt;/b&gt;</td><td></td></tr>"
            + "</tbody></table>\n<p>After.</p>\n")
        #expect(!Markdown.html("| not | a table |\nno rule").contains("<table>"))
    }

    @Test func rawHTMLIsShownAsText() {
        let html = Markdown.html("<script>alert(1)</script>\n\n<img src=x onerror=alert(1)>")
        #expect(html == "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>\n<p>&lt;img src=x onerror=alert(1)&gt;</p>\n")
    }

    @Test func markupInsideCodeIsLiteral() {
        #expect(Markdown.html("`<b>*x*</b>`") == "<p><code>&lt;b&gt;*x*&lt;/b&gt;</code></p>\n")
    }

    @Test func linksOnlyWithSafeSchemes() {
        #expect(Markdown.html("[docs](https://example.org/a?b=1&c=2)")
                == "<p><a href=\"https://example.org/a?b=1&amp;c=2\">docs</a></p>\n")
        #expect(Markdown.html("[page](../3/index.html)") == "<p><a href=\"../3/index.html\">page</a></p>\n")
        #expect(Markdown.html("[x](javascript:alert(1))").contains("href") == false)
        #expect(Markdown.html("[x](JaVaScRiPt:alert(1))").contains("href") == false)
        #expect(Markdown.html("[x](data:text/html,hi)").contains("href") == false)
    }

    @Test func quotesInLinksCannotLeaveTheAttribute() {
        let html = Markdown.html("[x](a\"onmouseover=\"alert(1))")
        #expect(html.contains("\"onmouseover") == false)
        #expect(html.contains("&quot;onmouseover=&quot;"))
    }

    @Test func unclosedMarkersStayLiteral() {
        #expect(Markdown.html("2 * 3 = 6 and a_b") == "<p>2 * 3 = 6 and a_b</p>\n")
        #expect(Markdown.html("**open") == "<p>**open</p>\n")
        #expect(Markdown.html("\\*not em\\*") == "<p>*not em*</p>\n")
    }

    @Test func headingNeedsASpace() {
        #expect(Markdown.html("#hashtag") == "<p>#hashtag</p>\n")
        #expect(Markdown.html("### Three") == "<h3>Three</h3>\n")
    }
}
