"""Short texts in every script the tests care about: English, German, Japanese, emoji."""

SAMPLE_TEXTS = {
    "en": 'The cat sat on the mat. She said: "Hello!" Then the dog ran to the park.',
    "de": "Die Katze saß auf der Matte. Sie sagte: „Hallo!“ Dann lief der Hund in den Park.",
    "ja": "猫はマットの上に座りました。彼女は「こんにちは！」と言いました。",
    "emoji": "I ❤️ 🐈‍⬛ and 👩🏽‍🚀! 🇯🇵",
}
