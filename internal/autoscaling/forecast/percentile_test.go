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

package forecast

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// rankedHistory is 20 days with five samples an hour, 12 minutes apart:
// within hour h of the day, over the 20 days, the values are h*1000+1 ...
// h*1000+100, each once, in a scrambled order.
func rankedHistory() []Sample {
	var out []Sample
	for day := range 20 {
		for hour := range 24 {
			for slot := range 5 {
				// 37 is prime to 100, so this visits every rank once.
				rank := (day*5+slot)*37%100 + 1
				t := monday.Add(time.Duration(day)*Day + time.Duration(hour)*time.Hour + time.Duration(slot)*12*time.Minute)
				out = append(out, Sample{Time: t, Value: float64(hour*1000 + rank)})
			}
		}
	}
	return out
}

func TestPercentileOfAKnownDistribution(t *testing.T) {
	now := monday.Add(20*Day + 10*time.Hour)
	history := rankedHistory()
	for _, c := range []struct {
		p, margin    float64
		at10, at11   float64
		methodPhrase string
	}{
		{0, 0, 10095, 11095, "p95 of each 1h time-of-day bucket over 20d"},
		{50, 0, 10050, 11050, "p50"},
		{100, 0, 10100, 11100, "p100"},
		{95, 0.1, 10095 * 1.1, 11095 * 1.1, "+10% margin"},
	} {
		p, err := Forecast(history, now, time.Hour, 12*time.Minute, Config{Algorithm: Percentile, Percentile: c.p, Margin: c.margin})
		if err != nil {
			t.Fatal(err)
		}
		// 10:00 ... 10:48 are in the 10:00 bucket, 11:00 in the next.
		for i, point := range p.Points {
			want := c.at10
			if i == 5 {
				want = c.at11
			}
			if diff := point.Value - want; diff > 1e-9 || diff < -1e-9 {
				t.Errorf("p%v margin %v: point at %s is %v; want %v", c.p, c.margin, point.Time.Format("15:04"), point.Value, want)
			}
		}
		if !p.Peak.Time.Equal(now.Add(time.Hour)) || p.Peak.Value != p.Points[5].Value {
			t.Errorf("p%v: peak %+v; want the 11:00 point", c.p, p.Peak)
		}
		if p.Algorithm != Percentile || !strings.Contains(p.Method, c.methodPhrase) {
			t.Errorf("p%v: method %q of %s; want it to say %q", c.p, p.Method, p.Algorithm, c.methodPhrase)
		}
	}
}

func TestPercentileBuckets(t *testing.T) {
	now := monday.Add(20*Day + 10*time.Hour)
	// Two-hour buckets put 10:00 and 11:00 together: p95 of 200 values.
	p, err := Forecast(rankedHistory(), now, time.Hour, 12*time.Minute, Config{Algorithm: Percentile, Bucket: 2 * time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	if p.Peak.Value != 11090 || p.Points[0].Value != 11090 {
		t.Errorf("p95 of the 10:00-12:00 bucket is %v at 10:00, peak %v; want 11090 (rank 190 of 200)", p.Points[0].Value, p.Peak.Value)
	}
	// A bucket with no history is an error, not a zero forecast.
	sparse := rankedHistory()[:24*5]
	sparse = append(sparse, Sample{Time: now.Add(-2 * Day), Value: 1})
	_, err = Forecast(sparse, now.Add(-5*time.Hour), time.Hour, 12*time.Minute,
		Config{Algorithm: Percentile, History: 2 * Day})
	if !errors.Is(err, ErrHistoryTooShort) {
		t.Errorf("no history in the bucket: error %v; want ErrHistoryTooShort", err)
	}
}

func TestNearestRank(t *testing.T) {
	values := func() []float64 { return []float64{5, 1, 4, 2, 3} }
	for _, c := range []struct{ p, want float64 }{{1, 1}, {20, 1}, {20.1, 2}, {50, 3}, {99.9, 5}, {100, 5}} {
		if got := nearestRank(values(), c.p); got != c.want {
			t.Errorf("p%v of 1..5 is %v; want %v", c.p, got, c.want)
		}
	}
}
