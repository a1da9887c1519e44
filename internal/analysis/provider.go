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

package analysis

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"reflect"
	"strings"

	"kurator.dev/kurator/api/argoproj/v1alpha1"
)

// checkProviderKind accepts prometheus alone and names any other provider.
func checkProviderKind(p v1alpha1.MetricProvider) error {
	others := otherProviders(p)
	switch {
	case p.Prometheus == nil && len(others) == 0:
		return errors.New("no provider: Kurator supports prometheus")
	case p.Prometheus == nil:
		return fmt.Errorf("provider %s is not supported by Kurator; use prometheus", others[0])
	case len(others) > 0:
		return fmt.Errorf("more than one provider (prometheus and %s): set only prometheus", others[0])
	}
	return nil
}

// checkProvider accepts a prometheus provider without the options Kurator
// cannot honour.
func checkProvider(p v1alpha1.MetricProvider) []error {
	prom := p.Prometheus
	var errs []error
	if prom.Query == "" {
		errs = append(errs, errors.New("prometheus.query is empty"))
	}
	if prom.Address != "" {
		if u, err := url.Parse(prom.Address); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			errs = append(errs, fmt.Errorf("prometheus.address %q: want http[s]://host:port", prom.Address))
		}
	}
	unsupported := map[string]bool{
		"insecure":       prom.Insecure,
		"headers":        len(prom.Headers) > 0,
		"authentication": prom.Authentication != nil && !isEmptyJSON(prom.Authentication.Raw),
		"rangeQuery":     prom.RangeQuery != nil,
	}
	for _, field := range []string{"insecure", "headers", "authentication", "rangeQuery"} {
		if unsupported[field] {
			errs = append(errs, fmt.Errorf("prometheus.%s is not supported by Kurator", field))
		}
	}
	return errs
}

// otherProviders names the non-prometheus providers that are set, by
// their field names.
func otherProviders(p v1alpha1.MetricProvider) []string {
	var names []string
	v := reflect.ValueOf(p)
	t := v.Type()
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		if name != "prometheus" && !v.Field(i).IsNil() {
			names = append(names, name)
		}
	}
	return names
}

// isEmptyJSON is true for null and for objects whose every value is empty:
// Argo writes an empty authentication as {"sigv4":{},"oauth2":{},...}.
func isEmptyJSON(raw []byte) bool {
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return false
	}
	return isEmptyValue(v)
}

func isEmptyValue(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case string:
		return x == ""
	case bool:
		return !x
	case []any:
		return len(x) == 0
	case map[string]any:
		for _, e := range x {
			if !isEmptyValue(e) {
				return false
			}
		}
		return true
	}
	return false
}
