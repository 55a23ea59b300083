"""What several stages share about language: sentences and words, cue lexicons, numbers,
polarity, claim strength, outlet names and domain names.

Nothing here reads a file or the network; lexicons arrive through `Settings`. Every stage may
import from here; nothing here imports a stage.

    text      sentences, words, stems, quotes, citation markers
    cues      finding a lexicon's words and phrases in a text, by stem, with offsets
    numbers   numbers in prose, read and normalised for comparison
    polarity  negation, reversed direction, another number: does a text say the opposite?
    strength  how strongly a sentence states a relationship (none ... causal), and hedges
    outlets   who a sentence says its statement comes from; the names a source goes by
    domains   host names and registrable domains of addresses
"""
