"""Personal data: marked in the contracts, sealed per subject and category in every store and on
every topic, opened only by who holds the key, erased by shredding the key (principle 7,
DOS-12, DOS-13)."""
