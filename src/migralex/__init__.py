"""migralex: the EU Pact on Migration and Asylum, executable."""

__version__ = "0.1.0"
