"""The schema generator: BigCommerce's OpenAPI specs in, the tap's committed JSON Schemas out.

A developer tool (it needs PyYAML and the specs); the tap's wheel ships only its output.
"""
