"""Learning from rankings: rankings and pairs (``rankings``, no torch), how raters agree
(``agreement``), the simulated rater (``rater``), prompts and sampled responses (``prompts``,
``responses``), the losses (``losses``), the reward model (``reward_model``), the policy updates
(``dpo``, ``rlhf``) and before/after measurements (``measure``)."""
