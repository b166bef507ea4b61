"""The text models learn from: generated tiny stories, Shakespeare, the user's own text, the
fine-tuning dialogues, and the word lists (``lexicon``) the stories are made of. No torch."""
