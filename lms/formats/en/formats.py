"""English dates as people in Cambodia write them: day, month, year; a 24-hour clock.

Django's English defaults are American ("Nov. 28, 2026, 2 p.m."). Khmer keeps
Django's own formats ("28 ខែ វិច្ឆិកា ឆ្នាំ 2026").
"""

DATE_FORMAT = "j M Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j M Y, H:i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
SHORT_DATE_FORMAT = "j M Y"
SHORT_DATETIME_FORMAT = "j M Y, H:i"
FIRST_DAY_OF_WEEK = 1  # Monday
