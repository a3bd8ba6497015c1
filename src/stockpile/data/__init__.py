"""The input side: workbook schema, reader, validation, template and bundled data."""

import os

# openpyxl picks its XML parser when it is first imported, possibly by a sibling
# module (the template writer) before the reader: pin the defusedxml-protected
# stdlib parser here, where every data module passes first. safety.py asserts it.
os.environ["OPENPYXL_LXML"] = "False"
os.environ["OPENPYXL_DEFUSEDXML"] = "True"
