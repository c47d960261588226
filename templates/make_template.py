"""Regenerate the shipped blank ledger from the sheet declaration: `python templates/make_template.py`."""

from pathlib import Path

from nodrug_cli.render.template_xlsx import write_template

TEMPLATE = Path(__file__).with_name("无毒社区台账模板.xlsx")

if __name__ == "__main__":
    write_template(TEMPLATE)
    print(TEMPLATE)
