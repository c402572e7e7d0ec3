"""Failure reasons in the site's language. The crawler and the extractor record them in English for the
operator (`concejo status`, the logs, the API); pages shown to the public say them in plain Spanish.
A reason no pattern knows is shown as recorded, never hidden."""

from __future__ import annotations

import re

from extract.errors import FAILURE_CODES

_EXTRACTION = {
    FAILURE_CODES["empty_file"]: "el archivo está vacío (0 bytes)",
    FAILURE_CODES["not_pdf"]: "el archivo no es un PDF",
    FAILURE_CODES["html_not_pdf"]: "el archivo es una página web servida como PDF (suele ser un error o un inicio "
                                   "de sesión)",
    FAILURE_CODES["corrupt"]: "el PDF está dañado o incompleto",
    FAILURE_CODES["encrypted"]: "el PDF está protegido con contraseña",
    FAILURE_CODES["too_large"]: "el archivo supera el tamaño o el número de páginas permitidos",
    FAILURE_CODES["timeout"]: "la lectura superó su tiempo máximo",
    FAILURE_CODES["memory"]: "la lectura superó su memoria máxima",
    FAILURE_CODES["crashed"]: "el proceso de lectura se detuvo inesperadamente",
}
_PATTERNS = [
    (re.compile(r"^source \S+: no page of the portal.*"), "no se pudo obtener ninguna página del portal"),
    (re.compile(r"^source \S+: the portal changed shape.*"),
     "el portal cambió de forma y no se pudo leer (hay que ajustar su configuración o su lector)"),
    (re.compile(r"^source \S+: the crawl stopped before it finished.*"),
     "el rastreo se detuvo antes de terminar; el siguiente continúa donde quedó"),
    (re.compile(r"^HTTP (\d{3}) from the portal"), r"el portal respondió con el código HTTP \1"),
    (re.compile(r"^the portal sent an HTML page instead of a PDF \(often an error or login page\)"),
     "el portal envió una página web en lugar del PDF (suele ser un error o un inicio de sesión)"),
    (re.compile(r"^the portal sent a file that is not a PDF( \([^)]*\))?"), "el portal envió un archivo que no es un PDF"),
    (re.compile(r"^the link is not http or https(, so it is not fetched)?"), "el enlace no es http ni https: no se descarga"),
    (re.compile(r"^listed on the portal but not downloaded in this crawl \(the crawl stopped before reaching it\)"),
     "publicado en el portal, pero el rastreo terminó antes de descargarlo"),
    (re.compile(r"^the link points to (\S+), which is not one of the source's hosts.*"),
     r"el enlace lleva a \1, que no es un servidor de este concejo"),
    (re.compile(r"^the file is larger than the ([\d.,]+) MB download limit.*"),
     r"el archivo supera el límite de descarga de \1 MB"),
    (re.compile(r"^the download was cancelled before it finished"), "la descarga se interrumpió antes de terminar"),
    (re.compile(r"^the server did not answer within ([\d.,]+) s.*"), r"el servidor no respondió en \1 s"),
    (re.compile(r"^the server's name could not be resolved"), "no se encontró el servidor (DNS)"),
    (re.compile(r"^the server refused the connection"), "el servidor rechazó la conexión"),
    (re.compile(r"^(.+?) is an? ([\w-]+) address, which the crawler does not fetch.*"),
     r"\1 es una dirección de red \2, que el rastreador no visita"),
]


_ADDRESS_KINDS = {"private": "privada", "loopback": "local (loopback)", "link-local": "de enlace local",
                  "multicast": "de multidifusión", "reserved": "reservada", "unspecified": "sin especificar"}


def in_spanish(reason: str | None) -> str | None:
    if not reason:
        return reason
    for english, spanish in _EXTRACTION.items():
        if reason.startswith(english):
            return spanish + reason[len(english):]
    for pattern, spanish in _PATTERNS:
        match = pattern.match(reason)
        if match:
            words = match.expand(spanish)
            for english_kind, spanish_kind in _ADDRESS_KINDS.items():
                words = words.replace(f"de red {english_kind},", f"de red {spanish_kind},")
            return words + reason[match.end():]
    return reason
