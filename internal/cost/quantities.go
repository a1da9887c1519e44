/*
Copyright 2026 The Kurator Authors.

Licensed under the Apache License, Version 2.0 (the "License");
you may not use this file except in compliance with the License.
You may obtain a copy of the License at

	http://www.apache.org/licenses/LICENSE-2.0

Unless required by applicable law or agreed to in writing, software
distributed under the License is distributed on an "AS IS" BASIS,
WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
See the License for the specific language governing permissions and
limitations under the License.
*/
package cost

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Amount is money over a period: a budget such as "1000 USD/day".
type Amount struct {
	Value    float64
	Currency string
	Period   time.Duration
}

// PerHour is the amount spread evenly over its period.
func (a Amount) PerHour() float64 { return a.Value / a.Period.Hours() }

// PerDay is the amount over a day at the same rate.
func (a Amount) PerDay() float64 { return a.PerHour() * 24 }

func (a Amount) String() string {
	return strconv.FormatFloat(a.Value, 'f', -1, 64) + " " + a.Currency + "/" + periodName(a.Period)
}

var periods = map[string]time.Duration{
	"hour": time.Hour, "h": time.Hour,
	"day": 24 * time.Hour, "d": 24 * time.Hour,
	"week": 7 * 24 * time.Hour, "w": 7 * 24 * time.Hour,
	// A month is 730 hours (8,760 / 12), as cloud price lists count it.
	"month": 730 * time.Hour,
}

func periodName(d time.Duration) string {
	switch d {
	case time.Hour:
		return "hour"
	case 24 * time.Hour:
		return "day"
	case 7 * 24 * time.Hour:
		return "week"
	case 730 * time.Hour:
		return "month"
	}
	return d.String()
}

// AmountPattern is the form ParseAmount reads, for the API's CEL rule.
const AmountPattern = `^\s*[0-9]+(\.[0-9]+)?\s*[A-Za-z]{3}\s*/\s*(hour|h|day|d|week|w|month)\s*$`

var amountRE = regexp.MustCompile(`^\s*([0-9]+(?:\.[0-9]+)?)\s*([A-Za-z]{3})\s*/\s*([a-z]+)\s*$`)

// ParseAmount reads "<number> <currency>/<hour|day|week|month>".
func ParseAmount(s string) (Amount, error) {
	m := amountRE.FindStringSubmatch(s)
	if m == nil {
		return Amount{}, fmt.Errorf("%q is not an amount per period such as \"1000 USD/day\"", s)
	}
	v, err := strconv.ParseFloat(m[1], 64)
	if err != nil {
		return Amount{}, fmt.Errorf("%q: %w", s, err)
	}
	period, ok := periods[m[3]]
	if !ok {
		return Amount{}, fmt.Errorf("%q: the period %q is not hour, day, week or month", s, m[3])
	}
	if v <= 0 {
		return Amount{}, fmt.Errorf("%q: the amount must be positive", s)
	}
	return Amount{Value: v, Currency: strings.ToUpper(m[2]), Period: period}, nil
}

// PercentPattern is the form ParsePercent reads, for the API's CEL rule.
const PercentPattern = `^\s*[0-9]+(\.[0-9]+)?\s*%(\s*[A-Za-z]+)?\s*$`

var percentRE = regexp.MustCompile(`^\s*([0-9]+(?:\.[0-9]+)?)\s*%\s*([A-Za-z]*)\s*$`)

// ParsePercent reads a target such as "99.9% SLO": the percentage and the
// word after it, if any.
func ParsePercent(s string) (float64, string, error) {
	m := percentRE.FindStringSubmatch(s)
	if m == nil {
		return 0, "", fmt.Errorf("%q is not a percentage such as \"99.9%% SLO\"", s)
	}
	v, err := strconv.ParseFloat(m[1], 64)
	if err != nil || v <= 0 || v > 100 {
		return 0, "", fmt.Errorf("%q: the percentage must be above 0 and at most 100", s)
	}
	return v, m[2], nil
}

// ErrorBudget is the time a success-rate target allows to fail per period:
// 99.9% leaves 86.4 s a day.
func ErrorBudget(targetPercent float64, period time.Duration) time.Duration {
	return time.Duration((100 - targetPercent) / 100 * float64(period))
}
