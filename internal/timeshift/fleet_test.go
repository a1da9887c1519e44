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

package timeshift

import (
	"slices"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	karmadaclusterv1alpha1 "kurator.dev/kurator/api/karmada/cluster/v1alpha1"
	"kurator.dev/kurator/internal/clusterproperties"
)

func cluster(name string, annotations map[string]string) *karmadaclusterv1alpha1.Cluster {
	return &karmadaclusterv1alpha1.Cluster{ObjectMeta: metav1.ObjectMeta{Name: name, Annotations: annotations}}
}

func points(pairs ...any) string {
	var out []clusterproperties.Point
	for i := 0; i < len(pairs); i += 2 {
		out = append(out, clusterproperties.Point{At: at(pairs[i].(time.Duration)), Value: pairs[i+1].(float64)})
	}
	return clusterproperties.FormatForecast(out)
}

func TestTheFleetSignalIsWeightedByReplicas(t *testing.T) {
	green := cluster("green", map[string]string{clusterproperties.CarbonForecast: points(-time.Hour, 100.0, 2*time.Hour, 20.0)})
	dirty := cluster("dirty", map[string]string{clusterproperties.CarbonForecast: points(-time.Hour, 400.0, 3*time.Hour, 200.0)})
	fs := Fleet(ModeCarbon, []Placement{{Name: "green", Cluster: green, Replicas: 3}, {Name: "dirty", Cluster: dirty, Replicas: 1}}, now)
	if v, ok := fs.Signal(now); !ok || v != (3*100+400)/4.0 {
		t.Fatalf("now: %g %v", v, ok)
	}
	if v, _ := fs.Signal(at(3 * time.Hour)); v != (3*20+200)/4.0 {
		t.Fatalf("+3h: %g", v)
	}
	want := []time.Time{at(-time.Hour), at(2 * time.Hour), at(3 * time.Hour)}
	if !slices.EqualFunc(fs.Boundaries, want, time.Time.Equal) {
		t.Fatalf("boundaries %v", fs.Boundaries)
	}
}

// A replica count of 0 (a duplicated decision) weighs as one.
func TestZeroReplicasWeighOne(t *testing.T) {
	a := cluster("a", map[string]string{clusterproperties.CarbonIntensity: "100"})
	b := cluster("b", map[string]string{clusterproperties.CarbonIntensity: "300"})
	fs := Fleet(ModeCarbon, []Placement{{Name: "a", Cluster: a}, {Name: "b", Cluster: b}}, now)
	if v, _ := fs.Signal(now); v != 200 {
		t.Fatalf("%g", v)
	}
}

// Clusters without a known value are left out of every window, and said
// to be missing; with none known the signal is unknown.
func TestClustersWithoutDataAreLeftOut(t *testing.T) {
	known := cluster("known", map[string]string{clusterproperties.CarbonForecast: points(-time.Hour, 100.0, time.Hour, 50.0)})
	stale := cluster("stale", map[string]string{
		clusterproperties.CarbonForecast: points(-time.Hour, 1.0),
		clusterproperties.ObservedAt:     at(-7 * time.Hour).Format(time.RFC3339),
	})
	fs := Fleet(ModeCarbon, []Placement{{Name: "known", Cluster: known}, {Name: "stale", Cluster: stale}, {Name: "gone"}}, now)
	if v, ok := fs.Signal(at(time.Hour)); !ok || v != 50 {
		t.Fatalf("%g %v", v, ok)
	}
	if !slices.Equal(fs.Included, []string{"known"}) || !slices.Equal(fs.Missing, []string{"stale", "gone"}) {
		t.Fatalf("included %v missing %v", fs.Included, fs.Missing)
	}
	none := Fleet(ModeCarbon, []Placement{{Name: "stale", Cluster: stale}}, now)
	if _, ok := none.Signal(now); ok || len(none.Boundaries) != 0 {
		t.Fatalf("%+v", none)
	}
}

func TestCostModeUsesThePriceForecast(t *testing.T) {
	c := cluster("c", map[string]string{
		clusterproperties.VCPUHourUSD:    "0.04",
		clusterproperties.PriceForecast:  points(2*time.Hour, 0.01, 4*time.Hour, 0.05),
		clusterproperties.CarbonForecast: points(-time.Hour, 500.0, 6*time.Hour, 10.0),
	})
	placements := []Placement{{Name: "c", Cluster: c, Replicas: 2}}
	fs := Fleet(ModeCost, placements, now)
	choice, err := ChooseStart(now, at(12*time.Hour), 2*time.Hour, fs.Signal, fs.Boundaries)
	if err != nil {
		t.Fatal(err)
	}
	if !choice.Start.Equal(at(2*time.Hour)) || choice.Mean != 0.01 || choice.NowMean != 0.04 {
		t.Fatalf("cost: %+v", choice)
	}
	// The same cluster shifted for carbon waits for the clean grid.
	fs = Fleet(ModeCarbon, placements, now)
	choice, err = ChooseStart(now, at(12*time.Hour), 2*time.Hour, fs.Signal, fs.Boundaries)
	if err != nil || !choice.Start.Equal(at(6*time.Hour)) {
		t.Fatalf("carbon: %+v %v", choice, err)
	}
}

func TestBasisFollowsTheInputs(t *testing.T) {
	r := Request{Deadline: at(10 * time.Hour), Duration: time.Hour, Mode: ModeCarbon}
	c := cluster("c", map[string]string{
		clusterproperties.CarbonForecast: points(0*time.Hour, 100.0),
		clusterproperties.ObservedAt:     now.Format(time.RFC3339),
	})
	base := Basis(r, []Placement{{Name: "c", Cluster: c, Replicas: 1}})
	refreshed := c.DeepCopy()
	refreshed.Annotations[clusterproperties.ObservedAt] = at(time.Minute).Format(time.RFC3339)
	refreshed.Annotations[clusterproperties.VCPUHourUSD] = "0.5"
	if got := Basis(r, []Placement{{Name: "c", Cluster: refreshed, Replicas: 1}}); got != base {
		t.Fatal("a refresh of the same forecast, or a price in carbon mode, changed the basis")
	}
	changed := c.DeepCopy()
	changed.Annotations[clusterproperties.CarbonForecast] = points(0*time.Hour, 90.0)
	for name, other := range map[string]string{
		"forecast": Basis(r, []Placement{{Name: "c", Cluster: changed, Replicas: 1}}),
		"replicas": Basis(r, []Placement{{Name: "c", Cluster: c, Replicas: 2}}),
		"deadline": Basis(Request{Deadline: at(11 * time.Hour), Duration: time.Hour, Mode: ModeCarbon}, []Placement{{Name: "c", Cluster: c, Replicas: 1}}),
		"mode":     Basis(Request{Deadline: at(10 * time.Hour), Duration: time.Hour, Mode: ModeCost}, []Placement{{Name: "c", Cluster: c, Replicas: 1}}),
	} {
		if other == base {
			t.Fatalf("a changed %s kept the basis", name)
		}
	}
}

func TestParseRequest(t *testing.T) {
	deadline := at(10 * time.Hour).Format(time.RFC3339)
	if _, found, err := ParseRequest(map[string]string{"other": "x"}); found || err != nil {
		t.Fatalf("no deadline: found %v err %v", found, err)
	}
	r, found, err := ParseRequest(map[string]string{Deadline: deadline, ExpectedDuration: "2h"})
	if !found || err != nil || r.Mode != ModeCarbon || r.Duration != 2*time.Hour || !r.LatestStart().Equal(at(8*time.Hour)) {
		t.Fatalf("%+v %v %v", r, found, err)
	}
	r, _, err = ParseRequest(map[string]string{Deadline: deadline, ExpectedDuration: "30m", ShiftFor: "cost"})
	if err != nil || r.Mode != ModeCost {
		t.Fatalf("%+v %v", r, err)
	}
	for name, bad := range map[string]map[string]string{
		ExpectedDuration: {Deadline: deadline},
		"positive":       {Deadline: deadline, ExpectedDuration: "-1h"},
		"RFC3339":        {Deadline: "tomorrow", ExpectedDuration: "1h"},
		"neither":        {Deadline: deadline, ExpectedDuration: "1h", ShiftFor: "speed"},
	} {
		_, found, err := ParseRequest(bad)
		if !found || err == nil || !strings.Contains(err.Error(), name) {
			t.Fatalf("%s: found %v err %v", name, found, err)
		}
	}
}
