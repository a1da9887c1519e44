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
package clusterproperties

import (
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	karmadaclusterv1alpha1 "kurator.dev/kurator/api/karmada/cluster/v1alpha1"
)

var now = time.Date(2026, 12, 8, 12, 0, 0, 0, time.UTC)

func cluster(labels, annotations map[string]string) *karmadaclusterv1alpha1.Cluster {
	return &karmadaclusterv1alpha1.Cluster{ObjectMeta: metav1.ObjectMeta{Name: "c", Labels: labels, Annotations: annotations}}
}

func TestStaticLabelsNeverGoStale(t *testing.T) {
	p := Read(cluster(map[string]string{VCPUHourUSD: "0.0316", GiBHourUSD: "0.0042"}, nil), now.Add(1000*time.Hour))
	if !p.VCPUHour.Known || p.VCPUHour.Value != 0.0316 || !p.GiBHour.Known || p.Spot {
		t.Fatalf("%+v", p)
	}
}

func TestSpotPricesApplyOnSpotCapacity(t *testing.T) {
	p := Read(cluster(nil, map[string]string{
		CapacityType: "spot", VCPUHourUSD: "0.0316", SpotVCPUHourUSD: "0.0067", GiBHourUSD: "0.0042",
	}), now)
	if !p.Spot || p.VCPUHour.Value != 0.0067 || p.OnDemandVCPUHour.Value != 0.0316 {
		t.Fatalf("%+v", p)
	}
	// No spot memory price: the on-demand one stands.
	if p.GiBHour.Value != 0.0042 {
		t.Fatalf("memory %+v", p.GiBHour)
	}
}

func TestKubeFleetNamesAreAccepted(t *testing.T) {
	p := Read(cluster(nil, map[string]string{KubeFleetPerCPUCoreCost: "0.046", KubeFleetPerGBMemoryCost: "0.012"}), now)
	if !p.VCPUHour.Known || p.VCPUHour.Source != KubeFleetPerCPUCoreCost || p.GiBHour.Value != 0.012 {
		t.Fatalf("%+v", p)
	}
	p = Read(cluster(nil, map[string]string{KubeFleetPerCPUCoreCost: "0.046", VCPUHourUSD: "0.03"}), now)
	if p.VCPUHour.Value != 0.03 {
		t.Fatalf("Kurator's name should win: %+v", p.VCPUHour)
	}
}

func TestStaleValuesCountAsMissing(t *testing.T) {
	a := map[string]string{
		CarbonIntensity: "420", VCPUHourUSD: "0.03", MaxAge: "30m",
		ObservedAt: now.Add(-31 * time.Minute).Format(time.RFC3339),
	}
	p := Read(cluster(nil, a), now)
	if p.Carbon.Known || p.VCPUHour.Known || p.Carbon.Problem == "" {
		t.Fatalf("stale values are known: %+v", p)
	}
	p = Read(cluster(nil, a), now.Add(-2*time.Minute))
	if !p.Carbon.Known || p.Carbon.Age(now.Add(-2*time.Minute)) != 29*time.Minute {
		t.Fatalf("fresh value unknown: %+v", p.Carbon)
	}
	// Without a max age, six hours.
	delete(a, MaxAge)
	if p := Read(cluster(nil, a), now.Add(5*time.Hour)); !p.Carbon.Known {
		t.Fatal("5.5h old value should be fresh under the default")
	}
	if p := Read(cluster(nil, a), now.Add(6*time.Hour)); p.Carbon.Known {
		t.Fatal("6.5h old value should be stale under the default")
	}
}

func TestBrokenValuesAreMissingWithAReason(t *testing.T) {
	p := Read(cluster(nil, map[string]string{CarbonIntensity: "lots", VCPUHourUSD: "0.03", ObservedAt: "yesterday"}), now)
	if p.Carbon.Known || p.Carbon.Problem == "" || p.VCPUHour.Known || p.VCPUHour.Problem == "" {
		t.Fatalf("%+v", p)
	}
}

func TestForecast(t *testing.T) {
	f := FormatForecast([]Point{{now.Add(-time.Hour), 300}, {now.Add(time.Hour), 200}, {now.Add(2 * time.Hour), 100}})
	p := Read(cluster(nil, map[string]string{CarbonIntensity: "310", CarbonForecast: f, ObservedAt: now.Format(time.RFC3339)}), now)
	if len(p.CarbonForecast) != 3 {
		t.Fatalf("forecast %v", p.CarbonForecast)
	}
	for at, want := range map[time.Duration]float64{0: 300, 90 * time.Minute: 200, 5 * time.Hour: 100} {
		if v, ok := At(p.Carbon, p.CarbonForecast, now.Add(at)); !ok || v != want {
			t.Errorf("at +%v: %v, want %v", at, v, want)
		}
	}
	for _, bad := range []string{"x", "2026-12-08T00:00:00Z=1,2026-12-07T00:00:00Z=2", "2026-12-08T00:00:00Z=-1"} {
		if _, err := ParseForecast(bad); err == nil {
			t.Errorf("ParseForecast(%q) accepted", bad)
		}
	}
}
