"""The Persian texts the console and the portal say alike; each package has its own besides."""

from __future__ import annotations

#: The headline of each refusal that both say the same way.
COMMON_REFUSALS: dict[str, str] = {
    "rule_violation": "درخواست با قواعد سازگار نیست.",
    "unavailable": "سامانه موقتاً در دسترس نیست؛ کمی بعد دوباره تلاش کنید.",
    "csrf": "فرم منقضی یا نامعتبر است؛ صفحه را تازه کنید و دوباره بفرستید.",
    "internal": "خطای داخلی رخ داد.",
    "object_missing": "فایل ذخیره‌شدهٔ این پرونده در انبار فایل‌ها پیدا نشد؛ به پشتیبانی فنی "
                      "خبر دهید.",
}
#: The headline of a refusal whose code has none.
REFUSAL_FALLBACK = "درخواست پذیرفته نشد."


def label(table: dict[str, str], key: object) -> str:
    """`key`'s Persian label in `table`, or the key itself when it has none."""
    text = str(getattr(key, "value", key))
    return table.get(text, text)
