"""Reading ledgers: open a workbook safely, find sheets and header rows, normalise values, check them."""
