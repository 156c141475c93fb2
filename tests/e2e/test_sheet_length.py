"""How long the sheet is on a phone: inputs a person meets on the short path (the
required answers only) and screens of 375 × 667 pixels. Printed as a figure."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

COUNT_INPUTS = """() => Array.from(document.querySelectorAll(
  '#report-form input, #report-form select, #report-form textarea'))
  .filter(el => el.type !== 'hidden' && el.offsetParent !== null)
  .map(el => el.type === 'radio' ? 'radio:' + el.name : el.name || el.id)
  .filter((name, i, all) => all.indexOf(name) === i).length"""


def test_the_sheet_on_a_phone(browser_for, reporter, site, figure):
    page = browser_for(reporter, width=375, height=667).go("/report/")
    inputs = page.evaluate(COUNT_INPUTS)
    height = page.evaluate("document.documentElement.scrollHeight")
    screens = height / 667
    figure(f"sheet at 375 px: {inputs} inputs, {screens:.1f} screens of 667 px")
    assert inputs <= 20
