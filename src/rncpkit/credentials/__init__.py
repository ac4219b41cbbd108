"""Per-holder verifiable credentials: signed Open Badges 3.0 and Europass Digital Credentials.

Needs the ``credentials`` extra (``pip install 'rncpkit[credentials]'``): ``cryptography``
for keys and signatures, ``pyld`` for RDFC-1.0 canonicalisation, ``Pillow`` for the
rendered image every Europass credential carries.
"""
