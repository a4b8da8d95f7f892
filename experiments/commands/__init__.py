"""Command modules of the CLI; every module here is registered by cli.build_parser."""
