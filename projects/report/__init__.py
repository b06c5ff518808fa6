"""The compiled final report (HTML and DOCX) and the matrix export."""
