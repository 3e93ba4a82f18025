"""Synthetic names: Kazakh, Uyghur, Russian and Chinese, in Cyrillic, Latin and Han spellings.

Pools are ordered from common to rare and drawn with Zipf weights, so a few surnames and
first names are shared by thousands of people (as in the real communities) while most are
rare. Latin spellings come from the project's own Cyrillic table (`people.names`) and from a
passport-style table (kh, zh, y), the two ways sources actually write these names.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import accumulate
from typing import Generic, TypeVar

from people.names import _cyrillic_to_latin, normalise

KAZAKH_MALE = [
    "Ерлан",
    "Нурлан",
    "Серик",
    "Бауыржан",
    "Асхат",
    "Талгат",
    "Марат",
    "Данияр",
    "Айдос",
    "Ержан",
    "Кайрат",
    "Руслан",
    "Арман",
    "Жанболат",
    "Дархан",
    "Мухтар",
    "Канат",
    "Нуржан",
    "Касымхан",
    "Бекзат",
    "Сакен",
    "Тимур",
    "Алмас",
    "Ербол",
    "Жандос",
    "Кастер",
    "Мурагер",
    "Серикжан",
    "Абай",
    "Берик",
    "Даулет",
    "Еркин",
    "Жасулан",
    "Ильяс",
    "Куаныш",
    "Мейрам",
    "Нурсултан",
    "Олжас",
    "Рахат",
    "Самат",
    "Тлек",
    "Улан",
    "Шынгыс",
    "Ельдос",
    "Жумабек",
    "Кайсар",
    "Мадияр",
    "Нургали",
    "Оралбек",
]
KAZAKH_FEMALE = [
    "Айгуль",
    "Сайрагуль",
    "Гульнар",
    "Жанар",
    "Динара",
    "Асель",
    "Айжан",
    "Мадина",
    "Алия",
    "Гульмира",
    "Назира",
    "Ботагоз",
    "Сауле",
    "Акмарал",
    "Жансая",
    "Камила",
    "Лаззат",
    "Меруерт",
    "Салтанат",
    "Томирис",
    "Улжан",
    "Шолпан",
    "Айым",
    "Балжан",
    "Гаухар",
    "Дана",
    "Жулдыз",
    "Индира",
    "Карлыгаш",
    "Мольдир",
    "Нургуль",
    "Райхан",
    "Сымбат",
    "Толкын",
    "Анар",
]
KAZAKH_SURNAME_ROOTS = [
    "Нурлан",
    "Серик",
    "Касым",
    "Мусахан",
    "Алим",
    "Сауытбай",
    "Билаш",
    "Ахмет",
    "Жумабай",
    "Токтар",
    "Байжан",
    "Есен",
    "Омар",
    "Кенжебек",
    "Сагын",
    "Ермек",
    "Абдрахман",
    "Жаксылык",
    "Исмаил",
    "Кабдулла",
    "Мукан",
    "Нуртаза",
    "Оспан",
    "Рахым",
    "Сейткали",
    "Темирхан",
    "Уали",
    "Шакен",
    "Ыбырай",
    "Айтбай",
    "Бекмухамбет",
    "Даулет",
    "Жандарбек",
    "Калиакбар",
    "Молдахмет",
    "Нысанбай",
    "Садуакас",
    "Тасбулат",
    "Умирзак",
    "Хамит",
    "Шерияздан",
    "Ыскак",
]
RUSSIAN_MALE = [
    "Александр",
    "Сергей",
    "Андрей",
    "Дмитрий",
    "Алексей",
    "Владимир",
    "Игорь",
    "Николай",
    "Евгений",
    "Михаил",
    "Виктор",
    "Павел",
    "Юрий",
    "Олег",
    "Константин",
    "Максим",
    "Артём",
    "Денис",
    "Роман",
    "Геннадий",
]
RUSSIAN_FEMALE = [
    "Елена",
    "Ольга",
    "Наталья",
    "Татьяна",
    "Ирина",
    "Светлана",
    "Анна",
    "Мария",
    "Екатерина",
    "Юлия",
    "Людмила",
    "Галина",
    "Валентина",
    "Марина",
    "Оксана",
]
RUSSIAN_SURNAMES = [
    "Иванов",
    "Смирнов",
    "Кузнецов",
    "Попов",
    "Васильев",
    "Петров",
    "Соколов",
    "Михайлов",
    "Новиков",
    "Фёдоров",
    "Морозов",
    "Волков",
    "Алексеев",
    "Лебедев",
    "Семёнов",
    "Егоров",
    "Павлов",
    "Козлов",
    "Степанов",
    "Николаев",
    "Орлов",
    "Андреев",
    "Макаров",
    "Никитин",
    "Захаров",
    "Зайцев",
    "Соловьёв",
    "Борисов",
    "Яковлев",
    "Григорьев",
]
RUSSIAN_PATRONYMIC_ROOTS = [
    "Александр",
    "Сергее",
    "Андрее",
    "Дмитрие",
    "Владимир",
    "Николае",
    "Михайл",
    "Викторо",
    "Петро",
    "Ивано",
]
UYGHUR_MALE = [
    "Абдурахман",
    "Мамет",
    "Турсун",
    "Ильхам",
    "Нурмамет",
    "Абдугаппар",
    "Ахмет",
    "Рахман",
    "Исмаил",
    "Ырысбек",
    "Абдулла",
    "Хамит",
    "Шукрат",
    "Мухаммед",
    "Юсуп",
    "Арслан",
    "Кадыр",
    "Эркин",
]
UYGHUR_FEMALE = [
    "Гульбахар",
    "Мейрагуль",
    "Зумрат",
    "Патигуль",
    "Райхангуль",
    "Айнур",
    "Мадина",
    "Зулфия",
]
UYGHUR_SURNAMES = [
    "Турсун",
    "Исмаил",
    "Абдулла",
    "Тохти",
    "Кадыр",
    "Нияз",
    "Хасан",
    "Мамет",
    "Умер",
    "Юсуп",
    "Аблиз",
    "Розы",
    "Эмет",
    "Ахун",
]
# Chinese names: Han characters, pinyin, and the Russian (Palladius) transcription.
CHINESE_SURNAMES = (
    ("王", "Wang", "Ван"),
    ("李", "Li", "Ли"),
    ("张", "Zhang", "Чжан"),
    ("刘", "Liu", "Лю"),
    ("陈", "Chen", "Чэнь"),
    ("杨", "Yang", "Ян"),
    ("马", "Ma", "Ма"),
    ("赵", "Zhao", "Чжао"),
    ("黄", "Huang", "Хуан"),
    ("周", "Zhou", "Чжоу"),
)
CHINESE_GIVEN = (
    ("伟", "Wei", "Вэй"),
    ("芳", "Fang", "Фан"),
    ("明", "Ming", "Мин"),
    ("军", "Jun", "Цзюнь"),
    ("静", "Jing", "Цзин"),
    ("强", "Qiang", "Цян"),
    ("磊", "Lei", "Лэй"),
    ("洋", "Yang", "Ян"),
    ("勇", "Yong", "Юн"),
    ("杰", "Jie", "Цзе"),
    ("海", "Hai", "Хай"),
    ("平", "Ping", "Пин"),
)

# Passport-style Latin (Russian-Kazakh passports before 2018): kh, zh, y.
_PASSPORT = {
    "а": "a", "ә": "a", "б": "b", "в": "v", "г": "g", "ғ": "g", "д": "d", "е": "e",
    "ё": "e", "ж": "zh", "з": "z", "и": "i", "й": "y", "к": "k", "қ": "k", "л": "l",
    "м": "m", "н": "n", "ң": "n", "о": "o", "ө": "o", "п": "p", "р": "r", "с": "s",
    "т": "t", "у": "u", "ұ": "u", "ү": "u", "ф": "f", "х": "kh", "һ": "h", "ц": "ts",
    "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "і": "i", "ь": "", "э": "e",
    "ю": "yu", "я": "ya",
}  # fmt: skip


def _title(text: str) -> str:
    return " ".join(word[:1].upper() + word[1:] for word in text.split())


def passport_latin(cyrillic: str) -> str:
    """ "Нурланулы" → "Nurlanuly": the Latin of Kazakh and Russian passports."""
    return _title("".join(_PASSPORT.get(ch, ch) for ch in cyrillic.lower()))


def project_latin(cyrillic: str) -> str:
    """The Latin of the project's own Cyrillic table (people/names.py), title-cased."""
    return _title(_cyrillic_to_latin(normalise(cyrillic.replace("й", "y").replace("ё", "yo"))))


def misspell(text: str, rng: random.Random) -> str:
    """A typo as sources make them: a letter dropped, doubled or swapped."""
    letters = list(text)
    positions = [i for i, ch in enumerate(letters) if ch.isalpha() and i > 0]
    if not positions:
        return text
    i = rng.choice(positions)
    action = rng.randrange(3)
    if action == 0 and len(letters) > 4:
        del letters[i]
    elif action == 1:
        letters.insert(i, letters[i])
    elif i + 1 < len(letters) and letters[i + 1].isalpha():
        letters[i], letters[i + 1] = letters[i + 1], letters[i]
    return "".join(letters)


T = TypeVar("T")


class Zipf(Generic[T]):
    """Draws items of a pool with weight 1/(rank+1): the first is the most common."""

    def __init__(self, items: Sequence[T], exponent: float = 1.0) -> None:
        self.items = list(items)
        self.cum = list(accumulate(1.0 / (rank + 1) ** exponent for rank in range(len(items))))

    def draw(self, rng: random.Random) -> T:
        return rng.choices(self.items, cum_weights=self.cum)[0]


@dataclass(frozen=True)
class Name:
    """One person's name: the spelling shown, and every variant with its language."""

    display: str
    sex: str
    ethnicity: str
    variants: tuple[tuple[str, str, str], ...]  # (text, language, kind)


def _kazakh_patronymic(root: str, sex: str) -> str:
    return root + ("улы" if sex == "male" else "кызы")


class NameMaker:
    """Makes names deterministically from one random generator."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.kz_male = Zipf(KAZAKH_MALE)
        self.kz_female = Zipf(KAZAKH_FEMALE)
        self.kz_roots = Zipf(KAZAKH_SURNAME_ROOTS)
        self.ru_male = Zipf(RUSSIAN_MALE)
        self.ru_female = Zipf(RUSSIAN_FEMALE)
        self.ru_surnames = Zipf(RUSSIAN_SURNAMES)
        self.ru_patronymics = Zipf(RUSSIAN_PATRONYMIC_ROOTS)
        self.ug_male = Zipf(UYGHUR_MALE)
        self.ug_female = Zipf(UYGHUR_FEMALE)
        self.ug_surnames = Zipf(UYGHUR_SURNAMES)
        self.zh_surnames = Zipf(CHINESE_SURNAMES)
        self.zh_given = Zipf(CHINESE_GIVEN)

    def make(self) -> Name:
        rng = self.rng
        sex = "female" if rng.random() < 0.4 else "male"
        roll = rng.random()
        if roll < 0.55:
            return self._cyrillic_name("Kazakh", sex, kazakh=True)
        if roll < 0.72:
            return self._uyghur(sex)
        if roll < 0.9:
            return self._cyrillic_name("Russian", sex, kazakh=False)
        return self._chinese(sex)

    def _cyrillic_name(self, ethnicity: str, sex: str, *, kazakh: bool) -> Name:
        rng = self.rng
        female = sex == "female"
        if kazakh:
            first = str((self.kz_female if female else self.kz_male).draw(rng))
            root = str(self.kz_roots.draw(rng))
            # Half use the patronymic as surname (Musakhanuly), half the Russian-style -ov.
            if rng.random() < 0.5:
                surname = _kazakh_patronymic(root, sex)
            else:
                surname = root + ("ова" if female else "ов")
            cyrillic = f"{first} {surname}"
            language = "kk"
        else:
            first = str((self.ru_female if female else self.ru_male).draw(rng))
            surname = str(self.ru_surnames.draw(rng)) + ("а" if female else "")
            patronymic = str(self.ru_patronymics.draw(rng)) + ("вна" if female else "вич")
            cyrillic = f"{surname} {first} {patronymic}"
            language = "ru"
        return self._variants(cyrillic, language, sex, ethnicity)

    def _uyghur(self, sex: str) -> Name:
        first = str((self.ug_female if sex == "female" else self.ug_male).draw(self.rng))
        surname = str(self.ug_surnames.draw(self.rng))
        return self._variants(f"{first} {surname}", "ug", sex, "Uyghur")

    def _variants(self, cyrillic: str, language: str, sex: str, ethnicity: str) -> Name:
        rng = self.rng
        passport = passport_latin(cyrillic)
        latin = project_latin(cyrillic)
        variants = [
            (cyrillic, language, "as_reported"),
            (passport, "en", "transliteration"),
        ]
        if latin != passport:
            variants.append((latin, "kk" if language == "kk" else "en", "transliteration"))
        # Sources from China and registries write the surname first.
        words = passport.split()
        variants.append((" ".join([*words[1:], words[0]]), "en", "as_reported"))
        if language == "kk" and ("улы" in cyrillic or "кызы" in cyrillic):
            kazakh = cyrillic.replace("улы", "ұлы").replace("кызы", "қызы")
            variants.append((kazakh, "kk", "legal"))
        if rng.random() < 0.3:
            variants.append((misspell(passport, rng), "en", "misspelling"))
        display = passport if rng.random() < 0.7 else cyrillic
        unique: dict[str, tuple[str, str, str]] = {}
        for variant in variants:
            unique.setdefault(variant[0], variant)
        return Name(display, sex, ethnicity, tuple(unique.values()))

    def _chinese(self, sex: str) -> Name:
        rng = self.rng
        han_s, pin_s, cyr_s = self.zh_surnames.draw(rng)
        han_g, pin_g, cyr_g = self.zh_given.draw(rng)
        if rng.random() < 0.5:
            han_g2, pin_g2, cyr_g2 = self.zh_given.draw(rng)
            han_g, pin_g, cyr_g = han_g + han_g2, pin_g + pin_g2.lower(), cyr_g + cyr_g2.lower()
        pinyin = f"{pin_s} {pin_g}"
        variants = [
            (f"{han_s}{han_g}", "zh", "as_reported"),
            (pinyin, "en", "transliteration"),
            (f"{cyr_s} {cyr_g}", "ru", "transliteration"),
            (f"{pin_g} {pin_s}", "en", "as_reported"),
        ]
        seen: dict[str, tuple[str, str, str]] = {}
        for variant in variants:
            seen.setdefault(variant[0], variant)
        return Name(pinyin, sex, "Hui" if rng.random() < 0.3 else "Han", tuple(seen.values()))
