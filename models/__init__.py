"""Everything that computes, grouped by the stage of the pipeline it belongs to.

Read it in the order a model is made and used (each package imports only the ones above it
in this list, never ``streamlit`` or ``app``; ``lint-imports`` checks it):

- ``data``: the text models learn from (tiny stories, Shakespeare, the user's own text, the
  fine-tuning dialogues, the word lists);
- ``tokenization``: our byte-level BPE, its training replayed step by step, the reference
  encodings (GPT-2, GPT-4, GPT-4o) and comparisons;
- ``model``: presets, building, loading and saving a ``transformers`` causal LM, the device,
  and the tokens a model sees of a text;
- ``inspection``: attention, the heads' roles, embeddings and the logit lens;
- ``generation``: the sampling filters, the one KV-cache generation loop every lesson uses,
  next-token distributions and the step-by-step writer;
- ``training``: the trainer, its data, long-running jobs, pre-training and fine-tuning runs,
  the model card and the command line (``python -m models.training``);
- ``preference``: rankings and their agreement, the simulated rater, the reward model, DPO
  and RLHF;
- ``storage``: the rankings database (classes, rounds, submissions, exports).
"""
