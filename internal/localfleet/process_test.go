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
package localfleet

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"

	. "github.com/onsi/gomega"
	"k8s.io/utils/ptr"
)

// A live process has not exited; one that is gone has.
func TestExited(t *testing.T) {
	g := NewWithT(t)
	g.Expect(exited(os.Getpid())).To(BeFalse())
	cmd := exec.Command("true")
	g.Expect(cmd.Run()).To(Succeed())
	g.Expect(exited(cmd.Process.Pid)).To(BeTrue())
}

func TestIsZombie(t *testing.T) {
	cases := map[string]struct {
		stat string
		want bool
	}{
		"running":                     {stat: "1234 (kube-apiserver) S 1 1234 1234 0 -1", want: false},
		"zombie":                      {stat: "1234 (kube-apiserver) Z 1 1234 1234 0 -1", want: true},
		"comm with spaces and parens": {stat: "77 (a (b) c) Z 1 77", want: true},
		"comm with a Z after a paren": {stat: "77 (x) Z) R 1 77", want: false},
		"truncated after comm":        {stat: "77 (x)", want: false},
		"truncated after the space":   {stat: "77 (x) ", want: false},
		"empty":                       {stat: "", want: false},
		"no parenthesis":              {stat: "77 x Z", want: false},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			NewWithT(t).Expect(isZombie(tc.stat)).To(Equal(tc.want))
		})
	}
}

func TestProcessRunning(t *testing.T) {
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	ownPID := strconv.Itoa(os.Getpid())
	cases := map[string]struct {
		pidFile *string // nil: no pid file
		binary  string
		args    []string
		want    bool
	}{
		"no pid file":                {binary: self},
		"empty pid file":             {pidFile: ptr.To(""), binary: self},
		"garbage pid file":           {pidFile: ptr.To("not-a-pid\n"), binary: self},
		"zero pid":                   {pidFile: ptr.To("0"), binary: self},
		"negative pid":               {pidFile: ptr.To("-42"), binary: self},
		"pid of no process":          {pidFile: ptr.To("2147483646"), binary: self},
		"this process":               {pidFile: ptr.To(ownPID + "\n"), binary: self, want: true},
		"this process, other binary": {pidFile: ptr.To(ownPID), binary: "/usr/local/bin/kurator-no-such-binary"},
		"this process, other args":   {pidFile: ptr.To(ownPID), binary: self, args: []string{"--no-such-flag-of-this-process"}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			g := NewWithT(t)
			p := process{Name: "x", Binary: tc.binary, Args: tc.args, PIDFile: filepath.Join(t.TempDir(), "x.pid")}
			if tc.pidFile != nil {
				g.Expect(os.WriteFile(p.PIDFile, []byte(*tc.pidFile), 0o600)).To(Succeed())
			}
			pid, ok := p.running()
			g.Expect(ok).To(Equal(tc.want))
			if tc.want {
				g.Expect(pid).To(Equal(os.Getpid()))
			} else {
				g.Expect(pid).To(BeZero())
			}
		})
	}
}

func TestProcessStopWithoutProcessRemovesPIDFile(t *testing.T) {
	g := NewWithT(t)
	p := process{Name: "x", Binary: "/nonexistent/x", PIDFile: filepath.Join(t.TempDir(), "x.pid")}
	g.Expect(os.WriteFile(p.PIDFile, []byte("garbage"), 0o600)).To(Succeed())
	g.Expect(p.stop(0)).To(Succeed())
	_, err := os.Stat(p.PIDFile)
	g.Expect(err).To(MatchError(os.ErrNotExist))
}

func TestProcessLogTail(t *testing.T) {
	g := NewWithT(t)
	p := process{LogFile: filepath.Join(t.TempDir(), "x.log")}
	g.Expect(p.logTail(3)).To(BeEmpty(), "no log yet")
	g.Expect(os.WriteFile(p.LogFile, []byte("1\n2\n3\n4\n5\n"), 0o600)).To(Succeed())
	g.Expect(p.logTail(3)).To(Equal("3\n4\n5"))
	g.Expect(p.logTail(10)).To(Equal("1\n2\n3\n4\n5"))
}
