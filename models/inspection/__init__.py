"""Looking inside a model: attention weights (``attention``), the heads' measured roles
(``roles``), embeddings and positions (``embeddings``) and the logit lens (``lens``)."""
