"""Known ways to smuggle script into HTML, as an operator could type them into the form.

Drawn from the usual families (the OWASP XSS filter evasion cheat sheet and html5sec.org): script tags,
event handlers, dangerous URL schemes, SVG and MathML, broken and nested markup, entity and encoding tricks,
and bare URLs that the linkifier must not turn into anything but an http(s) link.
"""

from __future__ import annotations

VECTORS: list[str] = [
    # script elements
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<script/xss src=//evil.example/x.js></script>",
    '<<SCRIPT>alert("XSS");//<</SCRIPT>',
    # event handlers
    '<img src=x onerror="alert(1)">',
    "<img src=x onerror=alert(1)//",
    "<body onload=alert(1)>",
    "<div onmouseover='alert(1)'>arahkan</div>",
    "<input autofocus onfocus=alert(1)>",
    "<details open ontoggle=alert(1)>",
    "<video><source onerror=alert(1)></video>",
    "<marquee onstart=alert(1)>",
    # dangerous URL schemes
    '<a href="javascript:alert(1)">klik</a>',
    '<a href="JaVaScRiPt:alert(1)">klik</a>',
    '<a href="java\tscript:alert(1)">klik</a>',
    '<a href="&#106;avascript:alert(1)">klik</a>',
    '<a href="&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;:alert(1)">klik</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">klik</a>',
    '<a href="vbscript:msgbox(1)">klik</a>',
    '<img src="javascript:alert(1)">',
    '<form action="javascript:alert(1)"><button>kirim</button></form>',
    '<iframe src="data:text/html,<script>alert(1)</script>"></iframe>',
    "<object data=javascript:alert(1)>",
    "<embed src=javascript:alert(1)>",
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<base href="javascript:alert(1)//">',
    # SVG and MathML
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    '<svg><a xlink:href="javascript:alert(1)"><text x="20" y="20">klik</text></a></svg>',
    '<math><maction actiontype="statusline" xlink:href="javascript:alert(1)">klik</maction></math>',
    # styles
    "<style>body{background:url(javascript:alert(1))}</style>",
    "<div style=\"background-image:url('javascript:alert(1)')\">x</div>",
    '<div style="width:expression(alert(1))">x</div>',
    # broken and nested markup
    '"><script>alert(1)</script>',
    "'><img src=x onerror=alert(1)>",
    "</p><script>alert(1)</script><p>",
    "<!--<img src=x onerror=alert(1)>-->",
    "<![CDATA[<script>alert(1)</script>]]>",
    '<a href="https://balangankab.go.id" onclick="alert(1)">tautan</a>',
    # entity and encoding tricks
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "&#60;script&#62;alert(1)&#60;/script&#62;",
    "\\u003cscript\\u003ealert(1)\\u003c/script\\u003e",
    "%3Cscript%3Ealert(1)%3C/script%3E",
    "<scr\u200bipt>alert(1)</scr\u200bipt>",
    "\uff1cscript\uff1ealert(1)\uff1c/script\uff1e",
    # bare URLs the linkifier sees
    'https://balangankab.go.id/"onmouseover="alert(1)',
    "https://balangankab.go.id/<script>alert(1)</script>",
    "javascript://balangankab.go.id/%0Aalert(1)",
    "http://balangankab.go.id/a?b=<img src=x onerror=alert(1)>",
]

# Titles and labels are plain text (themes print them into the page as they are): what an operator or an
# officer types, and what Blogger must receive as the post's `title` or as a label.
TITLE_VECTORS: list[tuple[str, str]] = [
    ("Berita <b>tebal</b>", "Berita tebal"),
    ("a &amp; b", "a & b"),
    ('<img src=x onerror="alert(1)">Banjir di Juai', "Banjir di Juai"),
    ("<svg onload=alert(1)>Panen raya", "Panen raya"),
    ("<script>alert(1)</script>Rapat desa", "Rapat desa"),
    ("&lt;script&gt;alert(1)&lt;/script&gt;Posyandu", "Posyandu"),
    ("&amp;lt;img src=x onerror=alert(1)&amp;gt;Pasar murah", "Pasar murah"),
    ('<a href="javascript:alert(1)">Klik</a> di sini', "Klik di sini"),
    ("Judul<!-- <img src=x onerror=alert(1)> -->baru", "Judulbaru"),
    ('"><img src=x onerror=alert(1)>', '">'),
    ("Desa &#74;uai &#x26; sekitarnya", "Desa Juai & sekitarnya"),
    ('Harga cabai < Rp 50.000 & bawang "naik"', 'Harga cabai < Rp 50.000 & bawang "naik"'),
    ("Nilai 5 <= 6 dan 7 > 3", "Nilai 5 <= 6 dan 7 > 3"),
]
LABEL_VECTORS: list[tuple[str, str]] = [
    ("<svg onload=alert(1)>Pertanian", "Pertanian"),
    ("Sosial &amp; budaya", "Sosial & budaya"),
    ("<b>Kesehatan</b>", "Kesehatan"),
    ("<img src=x onerror=alert(1)>Pendidikan", "Pendidikan"),
]
