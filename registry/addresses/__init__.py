"""Addresses read the way the national address reference (MLIT 位置参照情報) publishes them:
`normalise` gives one spelling, `matching` places an address on a block or town point."""
