SELECT initcap(label) FROM canary
