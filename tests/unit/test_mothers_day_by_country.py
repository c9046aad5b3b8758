"""Mother's Day for every country the store settings offer (domain.locales.COUNTRIES), checked against a table.

Sources for the table (read 2026):
- United States: 36 U.S.C. § 117, "the second Sunday in May" (https://www.law.cornell.edu/uscode/text/36/117).
- United Kingdom, Ireland: Mothering Sunday, the fourth Sunday of Lent, three weeks before Easter
  (https://www.timeanddate.com/holidays/uk/mother-day, https://www.timeanddate.com/holidays/ireland/mother-day).
- France: Code de l'action sociale et des familles, art. D215-1: the last Sunday of May, the first Sunday of June
  when Pentecost falls on it (https://www.legifrance.gouv.fr/codes/article_lc/LEGIARTI000006906040).
- Spain (Día de la Madre) and Portugal (Dia da Mãe): the first Sunday of May
  (https://www.timeanddate.com/holidays/spain/mothers-day, https://www.timeanddate.com/holidays/portugal/mothers-day).
- Mexico: 10 May every year (https://www.timeanddate.com/holidays/mexico/mothers-day).
- Second Sunday of May: Canada, Australia, New Zealand, Germany, Austria, Switzerland, Belgium (Antwerp keeps
  15 August; the store's country sets the national day), Italy, Netherlands, South Africa, Singapore, India, Japan
  (https://en.wikipedia.org/wiki/Mother%27s_Day#Dates_around_the_world and each country's timeanddate.com page).
"""

from __future__ import annotations

from datetime import date

import pytest

from jewelpwa.domain.locales import COUNTRIES
from jewelpwa.domain.occasions import mothers_day_on

SECOND_SUNDAY_OF_MAY = (date(2025, 5, 11), date(2026, 5, 10), date(2027, 5, 9))
# Country -> Mother's Day in 2025, 2026, 2027 (Easter: 20 Apr 2025, 5 Apr 2026, 28 Mar 2027).
TABLE: dict[str, tuple[date, date, date]] = {
    **{code: SECOND_SUNDAY_OF_MAY
       for code in ("US", "CA", "AU", "NZ", "DE", "AT", "CH", "BE", "IT", "NL", "ZA", "SG", "IN", "JP")},
    "GB": (date(2025, 3, 30), date(2026, 3, 15), date(2027, 3, 7)),
    "IE": (date(2025, 3, 30), date(2026, 3, 15), date(2027, 3, 7)),
    "FR": (date(2025, 5, 25), date(2026, 5, 31), date(2027, 5, 30)),
    "ES": (date(2025, 5, 4), date(2026, 5, 3), date(2027, 5, 2)),
    "PT": (date(2025, 5, 4), date(2026, 5, 3), date(2027, 5, 2)),
    "MX": (date(2025, 5, 10), date(2026, 5, 10), date(2027, 5, 10)),
}


def test_the_table_covers_every_country_the_settings_offer():
    assert {code for code, _, _ in COUNTRIES} == set(TABLE)


@pytest.mark.parametrize("country", sorted(TABLE))
def test_mothers_day_in_each_offered_country_matches_the_table(country):
    assert tuple(mothers_day_on(year, country) for year in (2025, 2026, 2027)) == TABLE[country]


def test_spain_keeps_the_first_sunday_of_may_not_the_second():
    assert mothers_day_on(2026, "ES") == date(2026, 5, 3) != mothers_day_on(2026, "US")
