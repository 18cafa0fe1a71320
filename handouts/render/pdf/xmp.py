"""XMP metadata for a PDF: what a PDF/UA-1 file must carry to be recognised as one (ISO 14289-1
§5: ``pdfuaid:part``; 7.1: ``dc:title``), written from the document information dictionary so
the two always agree, and written the same way every time so builds stay byte-reproducible."""

from __future__ import annotations

import re
from xml.sax.saxutils import escape

PACKET_ID = "W5M0MpCehiHzreSzNTczkc9d"   # the fixed id every XMP packet carries (XMP spec, part 1)


def xmp_date(pdf_date: str) -> str:
    """``D:20000101000000+00'00'`` (the PDF date form) as XMP writes it, ``2000-01-01T00:00:00+00:00``."""
    found = re.match(r"D:(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(Z|[+-]\d{2}'\d{2}'?)?", pdf_date)
    if not found:
        return ""
    year, month, day, hour, minute, second, zone = found.groups()
    offset = "Z" if zone in (None, "Z") else zone[:3] + ":" + zone[4:6]
    return f"{year}-{month}-{day}T{hour}:{minute}:{second}{offset}"


def xmp_packet(info: dict[str, str], lang: str) -> bytes:
    """The packet for a document whose information dictionary is ``info`` (``Title``, ``Author``,
    ``Subject``, ``Keywords``, ``Creator``, ``Producer``, ``CreationDate``, ``ModDate``; names
    without the slash) and whose language is ``lang``."""
    def text(key: str) -> str:
        return escape(info.get(key, ""))

    def alt(key: str) -> str:   # a language alternative: the default, and the same in its language
        value = text(key)
        return (f'<rdf:Alt><rdf:li xml:lang="x-default">{value}</rdf:li>'
                f'<rdf:li xml:lang="{escape(lang)}">{value}</rdf:li></rdf:Alt>')

    fields = [
        "<dc:format>application/pdf</dc:format>",
        f"<dc:title>{alt('Title')}</dc:title>",
        f"<dc:creator><rdf:Seq><rdf:li>{text('Author')}</rdf:li></rdf:Seq></dc:creator>",
        f'<dc:description><rdf:Alt><rdf:li xml:lang="x-default">{text("Subject")}</rdf:li></rdf:Alt></dc:description>',
        f"<dc:language><rdf:Bag><rdf:li>{escape(lang)}</rdf:li></rdf:Bag></dc:language>",
        f"<pdf:Producer>{text('Producer')}</pdf:Producer>",
        f"<pdf:Keywords>{text('Keywords')}</pdf:Keywords>",
        f"<xmp:CreatorTool>{text('Creator')}</xmp:CreatorTool>",
        f"<xmp:CreateDate>{xmp_date(info.get('CreationDate', ''))}</xmp:CreateDate>",
        f"<xmp:ModifyDate>{xmp_date(info.get('ModDate', ''))}</xmp:ModifyDate>",
        "<pdfuaid:part>1</pdfuaid:part>",
    ]
    body = "\n   ".join(fields)
    packet = f"""<?xpacket begin="\ufeff" id="{PACKET_ID}"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about=""
    xmlns:dc="http://purl.org/dc/elements/1.1/"
    xmlns:pdf="http://ns.adobe.com/pdf/1.3/"
    xmlns:xmp="http://ns.adobe.com/xap/1.0/"
    xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/">
   {body}
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="r"?>"""
    return packet.encode("utf-8")
