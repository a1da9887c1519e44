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
	"io"
	"math"
	"strconv"
	"strings"
	"text/tabwriter"
)

// printCostTable prints the report as three tables (workloads, clusters,
// schedulers) followed by the method and the notes.
func printCostTable(w io.Writer, r *costReport) {
	scope := "namespace " + r.Namespace
	if r.Namespace == "" {
		scope = "every namespace and cluster-scoped"
	}
	if len(r.Workloads) == 0 {
		fmt.Fprintf(w, "No workloads with replicas (%s).\n", scope)
	} else {
		fmt.Fprintf(w, "Workloads (%s), per day at each cluster's current prices and grid intensity:\n", scope)
		tw := tabwriter.NewWriter(w, 0, 8, 3, ' ', 0)
		fmt.Fprintln(tw, "WORKLOAD\tSCHEDULER\tREPLICAS\tUSD/DAY\tGCO2EQ/DAY\tCLUSTERS")
		for _, wl := range r.Workloads {
			shares := make([]string, 0, len(wl.Clusters))
			for _, s := range wl.Clusters {
				shares = append(shares, s.Cluster+":"+strconv.FormatInt(s.Replicas, 10))
			}
			fmt.Fprintf(tw, "%s %s\t%s\t%d\t%s\t%s\t%s\n", wl.Kind, qualified(wl.Namespace, wl.Name), dash(wl.Scheduler), wl.Replicas,
				usdCell(wl.dayFigures), gramsCell(wl.dayFigures), strings.Join(shares, ","))
		}
		fmt.Fprintf(tw, "TOTAL\t\t%d\t%s\t%s\t\n", r.Total.Replicas, usdCell(r.Total), gramsCell(r.Total))
		_ = tw.Flush()

		fmt.Fprintln(w, "\nClusters running them:")
		tw = tabwriter.NewWriter(w, 0, 8, 3, ' ', 0)
		fmt.Fprintln(tw, "CLUSTER\tSPOT\t$/VCPU-H\t$/GIB-H\tGCO2/KWH\tREPLICAS\tUSD/DAY\tGCO2EQ/DAY\tUNKNOWN")
		for _, c := range r.Clusters {
			spot := "no"
			if c.Spot {
				spot = "yes"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%d\t%s\t%s\t%s\n", c.Name, spot, optional(c.VCPUHourUSD), optional(c.GiBHourUSD), optional(c.IntensityGCO2eqPerKWh),
				c.Replicas, usdCell(c.dayFigures), gramsCell(c.dayFigures), dash(strings.Join(c.Unknown, "; ")))
		}
		_ = tw.Flush()
	}

	if len(r.Schedulers) == 0 {
		fmt.Fprintln(w, "\nNo IntelligentSchedulers: no budgets to report.")
	} else {
		fmt.Fprintln(w, "\nIntelligentSchedulers, each with every workload it governs in any namespace:")
		tw := tabwriter.NewWriter(w, 0, 8, 3, ' ', 0)
		fmt.Fprintln(tw, "SCHEDULER\tWORKLOADS\tUSD/DAY\tBUDGET/DAY\tUSED\tSTATE\tGCO2EQ/DAY\tAGNOSTIC\tSAVED")
		for _, s := range r.Schedulers {
			budget, used, state := budgetCells(s.Budget)
			agnosticGrams := amount(s.Carbon.AgnosticGramsPerDay)
			if s.Carbon.AgnosticUnknownIntensityReplicas > 0 {
				agnosticGrams += "+"
			}
			fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", s.Name, s.Workloads, usdCell(s.Spend), budget, used, state,
				gramsCell(s.Spend), agnosticGrams, savedCell(s.Carbon))
		}
		_ = tw.Flush()
		for _, s := range r.Schedulers {
			if s.Budget != nil && s.Budget.Problem != "" {
				fmt.Fprintf(w, "%s: budget %q: %s\n", s.Name, s.Budget.MaxCost, s.Budget.Problem)
			}
			for _, u := range s.Carbon.Undecided {
				fmt.Fprintf(w, "%s: no agnostic placement for %s; it counts at its placement in force\n", s.Name, u)
			}
		}
	}

	fmt.Fprintf(w, "\nCarbon: %s.\n", r.Method)
	if len(r.Schedulers) > 0 {
		fmt.Fprintf(w, "Agnostic: %s; SAVED is agnostic minus actual, n/a when either side has replicas of unknown intensity.\n", r.AgnosticMethod)
	}
	fmt.Fprintln(w, `A "+" marks a lower bound: some replicas run where the price or intensity is unknown and are left out.`)
	for _, n := range r.Notes {
		fmt.Fprintln(w, "Note: "+n)
	}
}

func qualified(namespace, name string) string {
	if namespace == "" {
		return name
	}
	return namespace + "/" + name
}

func usdCell(f dayFigures) string {
	s := amount(f.USDPerDay)
	if f.UnpricedReplicas > 0 {
		s += "+"
	}
	return s
}

func gramsCell(f dayFigures) string {
	s := amount(f.GramsPerDay)
	if f.UnknownIntensityReplicas > 0 {
		s += "+"
	}
	return s
}

// amount writes two decimals from 1 up, four significant digits below.
func amount(v float64) string {
	if math.Abs(v) >= 1 {
		return strconv.FormatFloat(v, 'f', 2, 64)
	}
	return significant(v)
}

func optional(v *float64) string {
	if v == nil {
		return "-"
	}
	return significant(*v)
}

func budgetCells(b *budgetUse) (budget, used, state string) {
	switch {
	case b == nil:
		return "-", "-", "no budget"
	case b.PerDay == nil:
		return "invalid", "-", "not compared"
	case b.UsedPercent == nil:
		return amount(*b.PerDay) + " " + b.Currency, "-", "not compared"
	case b.Over:
		return amount(*b.PerDay), strconv.FormatFloat(*b.UsedPercent, 'f', 1, 64) + "%", "OVER"
	}
	return amount(*b.PerDay), strconv.FormatFloat(*b.UsedPercent, 'f', 1, 64) + "%", "ok"
}

func savedCell(c carbonComparison) string {
	switch {
	case !c.Comparable:
		return "n/a"
	case c.SavedPercent == nil:
		return amount(*c.SavedGramsPerDay) + " g"
	}
	return fmt.Sprintf("%s g (%s%%)", amount(*c.SavedGramsPerDay), strconv.FormatFloat(*c.SavedPercent, 'f', 1, 64))
}
