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
	"math"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"

	"kurator.dev/kurator/internal/clusterproperties"
)

func known(v float64) clusterproperties.Value { return clusterproperties.Value{Value: v, Known: true} }

// The seed's budget at OpenCost's default on-demand CPU price buys about
// 1,318 vCPU running all day.
func TestBudgetArithmetic(t *testing.T) {
	budget, err := ParseAmount("1000 USD/day")
	if err != nil {
		t.Fatal(err)
	}
	p := clusterproperties.Properties{VCPUHour: known(0.031611)}
	perVCPU, ok := PerHour(p, Usage{VCPU: 1})
	if !ok {
		t.Fatal("price unknown")
	}
	vcpu := budget.PerHour() / perVCPU
	if math.Round(vcpu) != 1318 {
		t.Fatalf("1000 USD/day at 0.031611 USD/vCPU-h = %.1f vCPU, want about 1,318", vcpu)
	}
	if budget.PerDay() != 1000 || budget.String() != "1000 USD/day" {
		t.Fatalf("budget %v per day %v", budget, budget.PerDay())
	}
}

func TestParseAmount(t *testing.T) {
	for in, want := range map[string]Amount{
		"1000 USD/day":        {1000, "USD", 24 * time.Hour},
		"41.5usd/hour":        {41.5, "USD", time.Hour},
		" 30000 EUR / month ": {30000, "EUR", 730 * time.Hour},
		"7000 USD/w":          {7000, "USD", 7 * 24 * time.Hour},
	} {
		got, err := ParseAmount(in)
		if err != nil || got != want {
			t.Errorf("ParseAmount(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "1000", "USD/day", "1000 USD/fortnight", "0 USD/day", "-5 USD/day", "1000 dollars/day"} {
		if _, err := ParseAmount(bad); err == nil {
			t.Errorf("ParseAmount(%q) accepted", bad)
		}
	}
}

func TestParsePercent(t *testing.T) {
	v, word, err := ParsePercent("99.9% SLO")
	if err != nil || v != 99.9 || word != "SLO" {
		t.Fatalf("got %v %q %v", v, word, err)
	}
	if v, _, err := ParsePercent("95%"); err != nil || v != 95 {
		t.Fatalf("95%%: %v %v", v, err)
	}
	for _, bad := range []string{"", "99.9", "101% SLO", "0%", "abc% SLO"} {
		if _, _, err := ParsePercent(bad); err == nil {
			t.Errorf("ParsePercent(%q) accepted", bad)
		}
	}
	if got := ErrorBudget(99.9, 24*time.Hour); got.Round(time.Millisecond) != 86400*time.Millisecond {
		t.Fatalf("99.9%% error budget per day = %v, want 86.4s", got)
	}
}

func TestPerHourNeverCheapWhenUnknown(t *testing.T) {
	u := UsageOf(corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("500m"), corev1.ResourceMemory: resource.MustParse("1Gi")})
	if u.VCPU != 0.5 || u.GiB != 1 {
		t.Fatalf("usage %+v", u)
	}
	if _, ok := PerHour(clusterproperties.Properties{}, u); ok {
		t.Fatal("a cluster without prices has a price")
	}
	if _, ok := PerHour(clusterproperties.Properties{VCPUHour: known(0.03)}, u); ok {
		t.Fatal("memory is asked for but its price is unknown, yet a price came out")
	}
	got, ok := PerHour(clusterproperties.Properties{VCPUHour: known(0.03), GiBHour: known(0.004)}, u.Scale(10))
	if !ok || math.Abs(got-(5*0.03+10*0.004)) > 1e-12 {
		t.Fatalf("10 replicas cost %v/h", got)
	}
	if _, ok := GramsPerHour(clusterproperties.Properties{}, u); ok {
		t.Fatal("unknown intensity gave emissions")
	}
	g, _ := GramsPerHour(clusterproperties.Properties{Carbon: known(400)}, Usage{VCPU: 1})
	if want := 2.12 * 1.135 / 1000 * 400; math.Abs(g-want) > 1e-12 {
		t.Fatalf("1 vCPU at 400 g/kWh = %v g/h, want %v", g, want)
	}
}
