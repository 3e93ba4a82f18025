"""Report texts of about 5 KB, in English, Russian and Kazakh, with planted words whose
document frequency is known: rare, medium and very common (for full-text search benches)."""

from __future__ import annotations

import random

# Planted words and the share of reports that hold them.
RARE_WORD = "Zhanaozen"  # ~0.02 %: tens of reports at full scale
MEDIUM_WORD = "extradition"  # ~5 %: about 5,000 reports at full scale
COMMON_WORD = "court"  # in nearly every English report

_EN = (
    "The court in {place} heard the case of {name} on {day}.",
    "{name}, {age}, was detained by officers of the National Security Committee.",
    "Relatives said that {name} had fled Xinjiang after years of surveillance.",
    "The prosecutor asked for a prison term under the article on illegal border crossing.",
    "Lawyers for {name} argued that a return to China would expose {pronoun} to torture.",
    "The hearing was adjourned because the interpreter did not appear in court.",
    "Observers from several embassies attended the session in {place}.",
    "The migration service refused to register the asylum application of {name}.",
    "Human rights organisations called on the authorities to release {name} at once.",
    "Witnesses described the camps where ethnic Kazakhs were held without charge.",
    "The defence filed an appeal against the verdict within the fifteen-day period.",
    "According to the indictment, {name} crossed the border near {place} at night.",
    "The judge granted the request to hold the trial behind closed doors.",
    "Officials denied that anyone would be returned against their will.",
    "The regional court upheld the sentence and the case went to cassation.",
)
_RU = (
    "Суд в {place} рассмотрел дело {name} {day}.",
    "{name}, {age} лет, был задержан сотрудниками Комитета национальной безопасности.",
    "Родственники сообщили, что {name} бежал из Синьцзяна после многих лет слежки.",
    "Прокурор запросил срок лишения свободы по статье о незаконном пересечении границы.",
    "Адвокаты {name} заявили, что возвращение в Китай грозит пытками.",
    "Заседание было отложено, так как переводчик не явился в суд.",
    "Наблюдатели из нескольких посольств присутствовали на заседании в {place}.",
    "Миграционная служба отказалась зарегистрировать ходатайство {name} об убежище.",
    "Правозащитные организации призвали власти немедленно освободить {name}.",
    "Свидетели рассказали о лагерях, где этнических казахов держат без обвинения.",
    "Защита подала апелляционную жалобу на приговор в течение пятнадцати суток.",
    "Согласно обвинительному акту, {name} пересёк границу у {place} ночью.",
)
_KK = (
    "{place} аудандық соты {name} ісін {day} қарады.",
    "{name} Ұлттық қауіпсіздік комитетінің қызметкерлерімен ұсталды.",
    "Туыстары {name} Шыңжаңнан қашып келгенін айтты.",
    "Прокурор шекараны заңсыз кесіп өткені үшін бас бостандығынан айыруды сұрады.",
    "Сот отырысы аудармашы келмегендіктен кейінге қалдырылды.",
)
PLACES = (
    "Zaysan",
    "Almaty",
    "Taldykorgan",
    "Ust-Kamenogorsk",
    "Zharkent",
    "Khorgos",
    "Nur-Sultan",
    "Semey",
    "Ekibastuz",
    "Shymkent",
)
TARGET_BYTES = 5_000


def report_text(rng: random.Random, language: str, names: list[str], day: str) -> str:
    """About 5 KB of report prose naming `names`."""
    pool = {"en": _EN, "ru": _RU}.get(language, _KK)
    parts: list[str] = []
    size = 0
    while size < TARGET_BYTES:
        sentence = rng.choice(pool).format(
            place=rng.choice(PLACES),
            name=rng.choice(names),
            day=day,
            age=rng.randrange(20, 70),
            pronoun="him",
        )
        parts.append(sentence)
        size += len(sentence.encode()) + 1
        if rng.random() < 0.12:
            parts.append("\n\n")
    roll = rng.random()
    if roll < 0.0002:
        parts.append(f"Similar cases were recorded after the events in {RARE_WORD}.")
    if roll < 0.05:
        parts.append(f"The {MEDIUM_WORD} request from China was also discussed.")
    return " ".join(parts)


def report_title(rng: random.Random, language: str, name: str) -> str:
    if language == "ru":
        return rng.choice(("Казахстан: дело ", "Суд над ", "Освободить ")) + name
    if language == "kk":
        return "Қазақстан: " + name
    return rng.choice(("Kazakhstan: the trial of ", "Free ", "Asylum denied to ", "Update: ")) + (
        name
    )
