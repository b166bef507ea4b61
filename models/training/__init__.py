"""Training: settings (``config``), data (``token_data``, ``sft_data``), loss and schedule
(``objective``), the trainer (``trainer``), long-running jobs a page advances a slice at a time
(``jobs``), pre-training and fine-tuning runs (``pretraining``, ``finetune``), the model card
(``card``) and the command line (``python -m models.training``)."""
