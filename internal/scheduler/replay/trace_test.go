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

package replay

import (
	"reflect"
	"testing"
	"time"
)

func TestSyntheticTraceIsDeterministicPerSeed(t *testing.T) {
	a, b := SyntheticTrace(traceStart, 2, traceStep, 7), SyntheticTrace(traceStart, 2, traceStep, 7)
	if !reflect.DeepEqual(a, b) {
		t.Fatal("the same seed gave two traces")
	}
	if reflect.DeepEqual(a, SyntheticTrace(traceStart, 2, traceStep, 8)) {
		t.Fatal("two seeds gave the same trace")
	}
	if got := len(a.Steps); got != 2*288 {
		t.Fatalf("%d steps in two days of five minutes", got)
	}
	if len(SyntheticTrace(traceStart, 0, traceStep, 1).Steps) != 0 || len(SyntheticTrace(traceStart, 1, 2*Day, 1).Steps) != 0 {
		t.Fatal("a trace shorter than a step is not empty")
	}
}

func TestSyntheticTraceShapes(t *testing.T) {
	for _, seed := range []int64{1, 2, 3, 4, 5} {
		tr := SyntheticTrace(traceStart, traceDays, traceStep, seed)
		means := make([]series, len(tr.Regions))
		for i, step := range tr.Steps {
			for r, c := range step {
				means[r].add(c.Intensity)
				if b := intensityBounds[r]; c.Intensity < b[0] || c.Intensity > b[1] {
					t.Fatalf("seed %d: %s at %s: %.0f g/kWh outside %v", seed, tr.Regions[r].Name, tr.At(i), c.Intensity, b)
				}
				if !tr.Regions[r].Spot && c.VCPUHour != tr.Regions[r].OnDemandVCPUHour {
					t.Fatalf("seed %d: %s's on-demand price moved: %v", seed, tr.Regions[r].Name, c.VCPUHour)
				}
				if !tr.Regions[r].Spot && (c.SuccessRate < successBounds[0] || c.SuccessRate > successBounds[1]) {
					t.Fatalf("seed %d: %s's SLI %.3f outside %v", seed, tr.Regions[r].Name, c.SuccessRate, successBounds)
				}
			}
		}
		// Nuclear below solar below coal and wind below coal, on average.
		if !(means[1].mean() < means[0].mean() && means[0].mean() < means[2].mean() && means[2].mean() < means[3].mean()) {
			t.Errorf("seed %d: mean intensities fr %.0f, es %.0f, de %.0f, pl %.0f; want them in that order",
				seed, means[1].mean(), means[0].mean(), means[2].mean(), means[3].mean())
		}
		checkSolarDip(t, tr, seed)
		checkSpot(t, tr, seed)
	}
}

// checkSolarDip: every day, the solar region's midday is far cleaner than
// its night.
func checkSolarDip(t *testing.T, tr Trace, seed int64) {
	t.Helper()
	for d := range traceDays {
		var night, midday series
		for i := d * 288; i < (d+1)*288; i++ {
			switch h := tr.At(i).UTC().Hour() + 1; {
			case h <= 5:
				night.add(tr.Steps[i][0].Intensity)
			case h >= 12 && h < 15:
				midday.add(tr.Steps[i][0].Intensity)
			}
		}
		if midday.mean() > night.mean()-80 {
			t.Errorf("seed %d day %d: es midday %.0f, night %.0f; want a dip of at least 80", seed, d, midday.mean(), night.mean())
		}
	}
}

// checkSpot: the spot price stays within its bounds and changes only on
// the hour, and its SLI dips below the SLO on degradedDays days, 2-4 hours
// each.
func checkSpot(t *testing.T, tr Trace, seed int64) {
	t.Helper()
	below := map[int]time.Duration{}
	spiked := map[int]time.Duration{}
	for i, step := range tr.Steps {
		c := step[0]
		switch {
		case c.VCPUHour >= spikePriceBounds[0] && c.VCPUHour <= spikePriceBounds[1]:
			spiked[i/288] += tr.Step
		case c.VCPUHour < spotPriceBounds[0] || c.VCPUHour > spotPriceBounds[1]:
			t.Fatalf("seed %d: spot price %.4f at %s", seed, c.VCPUHour, tr.At(i))
		case i > 0 && tr.At(i).Minute() != 0 && c.VCPUHour != tr.Steps[i-1][0].VCPUHour && tr.Steps[i-1][0].VCPUHour < spikePriceBounds[0]:
			t.Fatalf("seed %d: the spot price changed at %s, not on the hour", seed, tr.At(i))
		}
		if c.SuccessRate < SLO {
			below[i/288] += tr.Step
		}
	}
	var long, short int
	for _, span := range spiked {
		switch {
		case span >= 3*time.Hour && span <= 5*time.Hour:
			long++
		case span >= 20*time.Minute && span <= 45*time.Minute:
			short++
		default:
			t.Errorf("seed %d: a spot price spike lasted %s; want 3-5h or 20-45min", seed, span)
		}
	}
	if long != spikeDays || short != blipDays {
		t.Errorf("seed %d: %d long spikes and %d blips; want %d and %d", seed, long, short, spikeDays, blipDays)
	}
	if len(below) != degradedDays {
		t.Errorf("seed %d: the spot region was below the SLO on %d days; want %d", seed, len(below), degradedDays)
	}
	for d, span := range below {
		if span < 2*time.Hour || span > 4*time.Hour {
			t.Errorf("seed %d day %d: below the SLO for %s; want 2-4h", seed, d, span)
		}
	}
}
