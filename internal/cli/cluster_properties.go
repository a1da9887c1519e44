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
	"fmt"
	"strconv"
	"time"

	"k8s.io/apimachinery/pkg/util/duration"

	karmadaclusterv1alpha1 "kurator.dev/kurator/api/karmada/cluster/v1alpha1"
	"kurator.dev/kurator/internal/clusterproperties"
)

// propertyColumns are the wide cluster table's $/VCPU-H, $/GIB-H, GCO2/KWH
// and PROPS-AGE cells.
func propertyColumns(c *karmadaclusterv1alpha1.Cluster, now time.Time) []string {
	p := clusterproperties.Read(c, now)
	return []string{
		propertyCell(p, p.VCPUHour, clusterproperties.SpotVCPUHourUSD, now),
		propertyCell(p, p.GiBHour, clusterproperties.SpotGiBHourUSD, now),
		propertyCell(p, p.Carbon, "", now),
		propertiesAge(c, p, now),
	}
}

// propertyCell shows a value, marked "spot" when it is a spot price; a
// value that is present but unusable shows why in one word.
func propertyCell(p clusterproperties.Properties, v clusterproperties.Value, spotSource string, now time.Time) string {
	switch {
	case v.Known && spotSource != "" && v.Source == spotSource:
		return significant(v.Value) + " spot"
	case v.Known:
		return significant(v.Value)
	case v.Source == "":
		return "-"
	case isStale(p, v, now):
		return "stale"
	default:
		return "invalid"
	}
}

// propertiesAge is the age of the oldest timestamped value shown, "stale"
// when one is past the cluster's maximum age, "static" when the values
// carry no timestamp, "invalid" when the timestamp cannot be read, and "-"
// without values.
func propertiesAge(c *karmadaclusterv1alpha1.Cluster, p clusterproperties.Properties, now time.Time) string {
	var oldest time.Time
	present := false
	for _, v := range []clusterproperties.Value{p.VCPUHour, p.GiBHour, p.Carbon} {
		if v.Source == "" {
			continue
		}
		present = true
		if isStale(p, v, now) {
			return "stale"
		}
		if !v.ObservedAt.IsZero() && (oldest.IsZero() || v.ObservedAt.Before(oldest)) {
			oldest = v.ObservedAt
		}
	}
	switch {
	case !present:
		return "-"
	case !oldest.IsZero():
		return duration.HumanDuration(now.Sub(oldest))
	}
	if s, ok := c.Annotations[clusterproperties.ObservedAt]; ok {
		if _, err := time.Parse(time.RFC3339, s); err != nil {
			return "invalid"
		}
	}
	return "static"
}

func isStale(p clusterproperties.Properties, v clusterproperties.Value, now time.Time) bool {
	return !v.ObservedAt.IsZero() && v.Age(now) > p.MaxAge
}

// significant writes a price or intensity with at most four significant
// digits and no exponent: 0.0067, 0.03161, 412.
func significant(v float64) string {
	rounded, err := strconv.ParseFloat(fmt.Sprintf("%.4g", v), 64)
	if err != nil {
		rounded = v
	}
	return strconv.FormatFloat(rounded, 'f', -1, 64)
}
