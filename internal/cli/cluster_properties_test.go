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

package cli

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	karmadaclusterv1alpha1 "kurator.dev/kurator/api/karmada/cluster/v1alpha1"
	"kurator.dev/kurator/internal/clusterproperties"
)

func TestClusterTableShowsPropertiesAndTheirAge(t *testing.T) {
	now := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
	observed := func(ago time.Duration) string { return now.Add(-ago).Format(time.RFC3339) }
	cluster := func(name string, labels, annotations map[string]string) karmadaclusterv1alpha1.Cluster {
		return karmadaclusterv1alpha1.Cluster{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: labels, Annotations: annotations}}
	}
	clusters := []karmadaclusterv1alpha1.Cluster{
		cluster("spot", nil, map[string]string{
			clusterproperties.CapacityType: "spot", clusterproperties.SpotVCPUHourUSD: "0.0067", clusterproperties.SpotGiBHourUSD: "0.0009",
			clusterproperties.VCPUHourUSD: "0.0316", clusterproperties.GiBHourUSD: "0.0042",
			clusterproperties.CarbonIntensity: "412.345", clusterproperties.ObservedAt: observed(90 * time.Minute),
		}),
		cluster("static", map[string]string{clusterproperties.VCPUHourUSD: "0.04"}, nil),
		cluster("kubefleet", nil, map[string]string{clusterproperties.KubeFleetPerCPUCoreCost: "0.05", clusterproperties.KubeFleetPerGBMemoryCost: "0.006"}),
		cluster("stale", nil, map[string]string{
			clusterproperties.VCPUHourUSD: "0.03", clusterproperties.CarbonIntensity: "200",
			clusterproperties.ObservedAt: observed(3 * time.Hour), clusterproperties.MaxAge: "2h",
		}),
		cluster("broken", nil, map[string]string{clusterproperties.VCPUHourUSD: "cheap", clusterproperties.ObservedAt: "yesterday"}),
		cluster("none", nil, nil),
	}
	var out bytes.Buffer
	printClusterTable(&out, clusters, true, now)
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if h := strings.Fields(lines[0]); !cmp.Equal(h[len(h)-4:], []string{"$/VCPU-H", "$/GIB-H", "GCO2/KWH", "PROPS-AGE"}) {
		t.Fatalf("header %q", lines[0])
	}
	want := map[string]string{
		"spot":      "0.0067 spot 0.0009 spot 412.3 90m",
		"static":    "0.04 - - static",
		"kubefleet": "0.05 0.006 - static",
		"stale":     "stale - stale stale",
		"broken":    "invalid - - invalid",
		"none":      "- - - -",
	}
	for _, line := range lines[1:] {
		f := strings.Fields(line)
		// The property cells follow the 14 columns before them; a spot
		// price takes two fields.
		got := strings.Join(f[14:], " ")
		if got != want[f[0]] {
			t.Errorf("%s: properties %q, want %q", f[0], got, want[f[0]])
		}
	}
	out.Reset()
	printClusterTable(&out, clusters, false, now)
	if strings.Contains(out.String(), "PROPS-AGE") {
		t.Fatal("the narrow table must not have the property columns")
	}
}
