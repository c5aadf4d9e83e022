"""Certificates for approved applications: content, rendering, issue and verification.

``content`` (what is printed and signed) and ``render`` (the PDF) are pure code; they know
nothing of the models.
"""
