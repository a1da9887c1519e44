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

package interpreter

import (
	"strings"

	"k8s.io/apimachinery/pkg/runtime/schema"
)

// Istio's kinds (VirtualService, DestinationRule, ServiceEntry, Gateway and
// the rest of *.istio.io) take the default everywhere but in status: they
// have no replicas and are propagated whole, reference nothing Kurator must
// carry along, and are healthy once applied; each member reports its
// object's status as it is.
//
// Their status is Istio's: the istiod of each member writes it (through
// the status subresource, which Kurator's applies never touch, so the two
// never fight), and the template's in the control plane belongs to
// whichever istiod watches the control plane, if any. Kurator therefore
// never aggregates it: it does not read Istio's conditions (Reconciled, not
// the Ready/Reconciling/Stalled of the convention it merges) and never
// writes the template's status.

// istioGroup says whether a group is one of Istio's.
func istioGroup(gk schema.GroupKind) bool {
	return gk.Group == "istio.io" || strings.HasSuffix(gk.Group, ".istio.io")
}

// aggregatesByConvention says whether a kind without an aggregation of its
// own has its members' conventional conditions merged into its template.
func aggregatesByConvention(gk schema.GroupKind) bool {
	return isCustomGroup(gk) && !istioGroup(gk)
}
