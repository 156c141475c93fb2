"""Hostile input: script, markup, URL-scheme, template and unicode payloads.

Every payload that could become markup carries a `pwned` marker (an attribute, id
or tag name), so a test can tell an escaped payload from one the browser parsed,
whether or not the Content-Security-Policy would have stopped a script in it.
"""

SCRIPT = [
    "<script>alert('pwned')</script>",
    "<script data-pwned>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js data-pwned></SCRIPT>",
    "<script>console.error('pwned')</script>",
    "\"><script>alert('pwned')</script>",
    "'><script>alert('pwned')</script>",
    "</textarea><script>alert('pwned')</script>",
    "</title><script>alert('pwned')</script>",
    "</script><script>alert('pwned')</script>",
    "<img src=x onerror=alert('pwned') data-pwned>",
    "<img src=x onerror=\"alert('pwned')\" id=pwned>",
    "<svg onload=alert('pwned') data-pwned>",
    "<svg><script>alert('pwned')</script></svg>",
    "<body onload=alert('pwned') data-pwned>",
    "<iframe src=javascript:alert('pwned') data-pwned></iframe>",
    "<iframe srcdoc=\"<script>parent.alert('pwned')</script>\" data-pwned></iframe>",
    "<details open ontoggle=alert('pwned') data-pwned>",
    "<input autofocus onfocus=alert('pwned') data-pwned>",
    "<video><source onerror=alert('pwned') data-pwned></video>",
    "<audio src=x onerror=alert('pwned') data-pwned>",
    "<marquee onstart=alert('pwned') data-pwned>x</marquee>",
    "<div onmouseover=alert('pwned') data-pwned>hover</div>",
    "<object data=javascript:alert('pwned') data-pwned></object>",
    "<embed src=javascript:alert('pwned') data-pwned>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert('pwned') data-pwned>",
    "<noscript><p title=\"</noscript><img src=x onerror=alert('pwned') data-pwned>\">",
    "<style>@import 'javascript:alert(1)';</style><b data-pwned>x</b>",
    "<link rel=stylesheet href=javascript:alert('pwned') data-pwned>",
    "<meta http-equiv=refresh content=\"0;url=javascript:alert('pwned')\" data-pwned>",
    "<base href=//evil.example/ data-pwned>",
    "<form action=javascript:alert('pwned') data-pwned><button>go</button></form>",
    "<isindex type=image src=1 onerror=alert('pwned') data-pwned>",
    "<pwned-tag>custom element</pwned-tag>",
    "<b id=pwned>bold</b>",
    "<a href=\"javascript:alert('pwned')\" data-pwned>click</a>",
    '" onmouseover="alert(\'pwned\')" data-pwned="',
    "' onfocus='alert(1)' autofocus data-pwned='",
    "javascript:alert('pwned')",
    "JaVaScRiPt:alert('pwned')",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgncHduZWQnKTwvc2NyaXB0Pg==",
    "vbscript:msgbox('pwned')",
    "&#106;avascript:alert('pwned')",
    "&lt;script&gt;alert('pwned')&lt;/script&gt;",
    "%3Cscript%3Ealert('pwned')%3C/script%3E",
    "<scr<script>ipt>alert('pwned')</scr</script>ipt>",
    "<<script>alert('pwned');//<</script>",
    "<img src=`x` onerror=alert('pwned') data-pwned>",
    "<svg><a xlink:href=\"javascript:alert('pwned')\" data-pwned><text y=20>x</text></a></svg>",
    "<template><img src=x onerror=alert('pwned') data-pwned></template>",
    "<!--<img src=\"--><img src=x onerror=alert('pwned') data-pwned>",
    "<![CDATA[<script>alert('pwned')</script>]]>",
    "<xmp><script>alert('pwned')</script></xmp>",
    "<plaintext data-pwned>",
]

TEMPLATE = [
    "{{ settings.SECRET_KEY }}",
    "{% debug %}",
    "{% load static %}{% static 'x' %}",
    "${7*7} #{7*7} {{7*7}}",
    "{{ request.user.password }}",
    "{% include 'base.html' %}",
]

UNICODE = [
    "\u202eevil\u202c right-to-left override",
    "zero\u200bwidth\u200bspaces",
    "Ünïcödé — ✓ 漢字 العربية 🙂",
    "\ufeffbyte order mark",
    "line\u2028separator\u2029paragraph",
    "combining a\u0301\u0301\u0301\u0301",
    "NUL-free control \u0007 bell \u001b escape",
    "'; DROP TABLE incidents_incident; --",
    '" OR 1=1 --',
    "../../../../etc/passwd",
    '=HYPERLINK("http://evil.example","click")',
    "+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
]

PAYLOADS = SCRIPT + TEMPLATE + UNICODE

# A DOM query that finds any payload the browser parsed as markup.
PARSED_MARKER = "[data-pwned], #pwned, pwned-tag"
