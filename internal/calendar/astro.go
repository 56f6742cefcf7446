package calendar

import "math"

// The astronomy behind the lunar calendar, after Jean Meeus, Astronomical Algorithms
// (2nd ed., 1998). Instants are Julian Days (JD): in Terrestrial Time (TT, "JDE") as the
// formulas give them, in Universal Time (UT) once ΔT is taken off. Precision: new moons
// to a few seconds, the sun's longitude to about 0.01° (a quarter of an hour of its
// motion), which decides the calendar's days except when an event falls within minutes
// of local midnight; the tests compare every month 1900–2199 with an independent
// ephemeris.

const (
	// jdUnixEpoch is the JD of 1970-01-01 00:00 UT, day number 0.
	jdUnixEpoch = 2440587.5
	// jdJ2000 is the JD of 2000-01-01 12:00 TT, the epoch of Meeus's series.
	jdJ2000 = 2451545.0
	// jdeLunation0 is the mean instant (TT) of lunation 0, the new moon of 2000-01-06.
	jdeLunation0 = 2451550.09766
	// synodicMonth is the mean length of a lunation in days.
	synodicMonth = 29.530588861
	// sunMeanMotion is the sun's mean motion along the ecliptic, degrees a day.
	sunMeanMotion = 360 / 365.242189
)

func sinDeg(deg float64) float64 { return math.Sin(deg * math.Pi / 180) }

// newMoonJDE returns the instant (JDE, TT) of the new moon of lunation k, where k = 0 is
// the new moon of 2000-01-06 and k counts lunations from it (Meeus ch. 49, with the
// periodic terms of table 49.A and the 14 planetary arguments).
func newMoonJDE(k int) float64 {
	kf := float64(k)
	t := kf / 1236.85
	t2 := t * t
	t3 := t2 * t
	t4 := t3 * t
	jde := jdeLunation0 + synodicMonth*kf + 0.00015437*t2 - 0.000000150*t3 + 0.00000000073*t4
	e := 1 - 0.002516*t - 0.0000074*t2
	m := 2.5534 + 29.10535670*kf - 0.0000014*t2 - 0.00000011*t3                      // sun's mean anomaly
	mp := 201.5643 + 385.81693528*kf + 0.0107582*t2 + 0.00001238*t3 - 0.000000058*t4 // moon's mean anomaly
	f := 160.7108 + 390.67050284*kf - 0.0016118*t2 - 0.00000227*t3 + 0.000000011*t4  // moon's argument of latitude
	om := 124.7746 - 1.56375588*kf + 0.0020672*t2 + 0.00000215*t3                    // longitude of the ascending node

	jde += -0.40720*sinDeg(mp) +
		0.17241*e*sinDeg(m) +
		0.01608*sinDeg(2*mp) +
		0.01039*sinDeg(2*f) +
		0.00739*e*sinDeg(mp-m) -
		0.00514*e*sinDeg(mp+m) +
		0.00208*e*e*sinDeg(2*m) -
		0.00111*sinDeg(mp-2*f) -
		0.00057*sinDeg(mp+2*f) +
		0.00056*e*sinDeg(2*mp+m) -
		0.00042*sinDeg(3*mp) +
		0.00042*e*sinDeg(m+2*f) +
		0.00038*e*sinDeg(m-2*f) -
		0.00024*e*sinDeg(2*mp-m) -
		0.00017*sinDeg(om) -
		0.00007*sinDeg(mp+2*m) +
		0.00004*sinDeg(2*mp-2*f) +
		0.00004*sinDeg(3*m) +
		0.00003*sinDeg(mp+m-2*f) +
		0.00003*sinDeg(2*mp+2*f) -
		0.00003*sinDeg(mp+m+2*f) +
		0.00003*sinDeg(mp-m+2*f) -
		0.00002*sinDeg(mp-m-2*f) -
		0.00002*sinDeg(3*mp+m) +
		0.00002*sinDeg(4*mp)

	jde += 0.000325*sinDeg(299.77+0.107408*kf-0.009173*t2) +
		0.000165*sinDeg(251.88+0.016321*kf) +
		0.000164*sinDeg(251.83+26.651886*kf) +
		0.000126*sinDeg(349.42+36.412478*kf) +
		0.000110*sinDeg(84.66+18.206239*kf) +
		0.000062*sinDeg(141.74+53.303771*kf) +
		0.000060*sinDeg(207.14+2.453732*kf) +
		0.000056*sinDeg(154.84+7.306860*kf) +
		0.000047*sinDeg(34.52+27.261239*kf) +
		0.000042*sinDeg(207.19+0.121824*kf) +
		0.000040*sinDeg(291.34+1.844379*kf) +
		0.000037*sinDeg(161.72+24.198154*kf) +
		0.000035*sinDeg(239.56+25.513099*kf) +
		0.000023*sinDeg(331.55+3.592518*kf)
	return jde
}

// sunLongitude returns the sun's apparent geometric longitude in degrees, [0, 360), at
// the instant jde (TT), by Meeus ch. 25's low-precision method: mean longitude, equation
// of the centre, then nutation and aberration through the node Ω.
func sunLongitude(jde float64) float64 {
	t := (jde - jdJ2000) / 36525
	t2 := t * t
	l0 := 280.46646 + 36000.76983*t + 0.0003032*t2
	m := 357.52911 + 35999.05029*t - 0.0001537*t2
	c := (1.914602-0.004817*t-0.000014*t2)*sinDeg(m) +
		(0.019993-0.000101*t)*sinDeg(2*m) +
		0.000289*sinDeg(3*m)
	om := 125.04 - 1934.136*t
	return math.Mod(math.Mod(l0+c-0.00569-0.00478*sinDeg(om), 360)+360, 360)
}

// deltaT returns TT − UT in seconds at the instant jd, from the polynomial expressions of
// Espenak and Meeus (NASA, "Five Millennium Canon of Solar Eclipses", 2006) for
// 1900–2200. Beyond the present they are extrapolations; an error of a minute moves a
// calendar day only when an event falls within that minute of midnight.
func deltaT(jd float64) float64 {
	y := 2000 + (jd-jdJ2000)/365.25
	switch {
	case y < 1920:
		t := y - 1900
		return -2.79 + 1.494119*t - 0.0598939*t*t + 0.0061966*t*t*t - 0.000197*t*t*t*t
	case y < 1941:
		t := y - 1920
		return 21.20 + 0.84493*t - 0.076100*t*t + 0.0020936*t*t*t
	case y < 1961:
		t := y - 1950
		return 29.07 + 0.407*t - t*t/233 + t*t*t/2547
	case y < 1986:
		t := y - 1975
		return 45.45 + 1.067*t - t*t/260 - t*t*t/718
	case y < 2005:
		t := y - 2000
		return 63.86 + 0.3345*t - 0.060374*t*t + 0.0017275*t*t*t + 0.000651814*t*t*t*t + 0.00002373599*t*t*t*t*t
	case y < 2050:
		t := y - 2000
		return 62.92 + 0.32217*t + 0.005589*t*t
	case y < 2150:
		u := (y - 1820) / 100
		return -20 + 32*u*u - 0.5628*(2150-y)
	default:
		u := (y - 1820) / 100
		return -20 + 32*u*u
	}
}

// ttToUT converts an instant from TT to UT.
func ttToUT(jde float64) float64 { return jde - deltaT(jde)/86400 }

// utToTT converts an instant from UT to TT.
func utToTT(jd float64) float64 { return jd + deltaT(jd)/86400 }

// solarTermJDE returns the instant (TT) nearest to jde at which the sun's apparent
// longitude is lon degrees, by Newton steps on the mean motion.
func solarTermJDE(lon, jde float64) float64 {
	for range 20 {
		diff := math.Mod(lon-sunLongitude(jde)+540, 360) - 180
		jde += diff / sunMeanMotion
		if math.Abs(diff) < 1e-9 {
			break
		}
	}
	return jde
}

// zone gives the UTC offset in hours of the calendar's local time at the instant jd (UT).
type zone func(jd float64) float64

// jdVietnamUTC7 is 1968-01-01 00:00 in UTC+7, when the Vietnamese calendar moved from
// UTC+8 to UTC+7 (the reason 1968's Tết came a day earlier in the North).
const jdVietnamUTC7 = 2439856.5 - 7.0/24

// vietnamZone is the offset of the Vietnamese lunar calendar: UTC+8 before 1968 and
// UTC+7 (the 105°E meridian) since.
func vietnamZone(jd float64) float64 {
	if jd < jdVietnamUTC7 {
		return 8
	}
	return 7
}

// localDay returns the day number of the local day holding the instant jd (UT).
func (z zone) localDay(jd float64) int {
	return int(math.Floor(jd + z(jd)/24 - jdUnixEpoch))
}

// midnight returns the instant (UT) at which local day n begins.
func (z zone) midnight(n int) float64 {
	jd := float64(n) + jdUnixEpoch
	off := z(jd - 7.0/24)
	if o := z(jd - off/24); o != off {
		off = o
	}
	return jd - off/24
}

// newMoonDay returns the local day number of the new moon of lunation k.
func (z zone) newMoonDay(k int) int { return z.localDay(ttToUT(newMoonJDE(k))) }

// termSector returns which 30° sector (0–11, sector 9 beginning at the winter solstice)
// the sun is in when local day n begins. A lunar month holds a major solar term
// (trung khí) exactly when the sectors at its first day and at the next month's first
// day differ.
func (z zone) termSector(n int) int {
	return int(sunLongitude(utToTT(z.midnight(n))) / 30)
}

// winterSolsticeDay returns the local day number of the December solstice of year y.
func (z zone) winterSolsticeDay(y int) int {
	guess := float64(daysFromCivil(y, 12, 21)) + jdUnixEpoch
	return z.localDay(ttToUT(solarTermJDE(270, guess)))
}
