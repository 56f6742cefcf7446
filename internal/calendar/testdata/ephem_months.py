# Computes the Vietnamese lunar calendar's months with PyEphem, independently of the Go
# package, for TestAgainstEphemeris. Rules: a month starts on the local day of a new
# moon (UTC+8 before 1968-01-01, UTC+7 after); month 11 holds the December solstice;
# with 13 months between two months 11, the first month without a major solar term
# (sun's longitude crossing a multiple of 30°) is the leap month.
import datetime
import math

import ephem

SWITCH = ephem.Date('1968/1/1 00:00') - 7 * ephem.hour


def offset(d):
    return 7 if d >= SWITCH else 8


def local_day(d):
    return ephem.Date(d + offset(d) * ephem.hour).datetime().date()


def sun_longitude(d):
    s = ephem.Sun(d)
    ecl = ephem.Ecliptic(ephem.Equatorial(s.g_ra, s.g_dec, epoch=d), epoch=d)
    return math.degrees(ecl.lon) % 360


def sector(day):
    tz = 7 if day >= datetime.date(1968, 1, 1) else 8
    midnight = ephem.Date(datetime.datetime(day.year, day.month, day.day)) - tz * ephem.hour
    return int(sun_longitude(midnight) // 30)


def new_moons(start, end):
    out, d = [], ephem.Date(start)
    while True:
        d = ephem.next_new_moon(d)
        if d > ephem.Date(end):
            return out
        out.append(local_day(d))
        d = ephem.Date(d + 1)


MOONS = new_moons('1897/10/1', '2201/3/1')


def holding(day):
    return max(i for i, m in enumerate(MOONS) if m <= day)


def main():
    a11 = {y: holding(local_day(ephem.next_solstice('%d/12/1' % y))) for y in range(1898, 2201)}
    year, month = 1898, 10
    for y in range(1899, 2201):
        k1, k2 = a11[y - 1], a11[y]
        leap_at = None
        if k2 - k1 == 13:
            leap_at = next(i for i in range(1, 13) if sector(MOONS[k1 + i]) == sector(MOONS[k1 + i + 1]))
        for i in range(k2 - k1):
            leap = i == leap_at
            if not leap:
                month += 1
                if month == 13:
                    year, month = year + 1, 1
            print(MOONS[k1 + i].isoformat(), year, month, int(leap))


main()
