"""The one compiled part: extract/_pdfium_pages.c (see its header). Everything else is in pyproject.toml."""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension(
            "extract._pdfium_pages",
            ["extract/_pdfium_pages.c"],
            # the Python code's arithmetic to the last bit: no fused multiply-add
            extra_compile_args=["-O2", "-ffp-contract=off"],
        )
    ]
)
