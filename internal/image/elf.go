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
package image

import (
	"debug/elf"
	"encoding/binary"
	"errors"
	"fmt"
	"io/fs"
	"strings"
)

// elfMachines maps GOARCH to the ELF machine and byte order Go emits for it,
// so a binary built for another architecture is caught before it is packaged.
var elfMachines = map[string]struct {
	machine elf.Machine
	class   elf.Class
	order   binary.ByteOrder
}{
	"amd64":   {elf.EM_X86_64, elf.ELFCLASS64, binary.LittleEndian},
	"arm64":   {elf.EM_AARCH64, elf.ELFCLASS64, binary.LittleEndian},
	"ppc64le": {elf.EM_PPC64, elf.ELFCLASS64, binary.LittleEndian},
	"s390x":   {elf.EM_S390, elf.ELFCLASS64, binary.BigEndian},
	"riscv64": {elf.EM_RISCV, elf.ELFCLASS64, binary.LittleEndian},
	"386":     {elf.EM_386, elf.ELFCLASS32, binary.LittleEndian},
	"arm":     {elf.EM_ARM, elf.ELFCLASS32, binary.LittleEndian},
}

// checkBinary fails unless path is a statically linked Linux executable for
// goarch. The image has no base, hence no libc and no dynamic loader: a
// binary asking for an interpreter (PT_INTERP) could not start in it.
func checkBinary(path, goarch string) error {
	want, ok := elfMachines[goarch]
	if !ok {
		return fmt.Errorf("architecture %q is not supported", goarch)
	}
	f, err := elf.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("%s is missing: 'make build' writes it: %w", path, err)
	}
	if err != nil {
		return fmt.Errorf("%s is not an ELF executable: %w", path, err)
	}
	defer func() { _ = f.Close() }()
	if f.Machine != want.machine || f.Class != want.class || f.ByteOrder != want.order {
		return fmt.Errorf("%s is built for ELF machine %s (%s), not linux/%s", path, f.Machine, f.Class, goarch)
	}
	if f.Type != elf.ET_EXEC && f.Type != elf.ET_DYN {
		return fmt.Errorf("%s is not an executable (ELF type %s)", path, f.Type)
	}
	for _, prog := range f.Progs {
		if prog.Type == elf.PT_INTERP {
			interp := make([]byte, prog.Filesz)
			if _, err := prog.ReadAt(interp, 0); err != nil {
				return fmt.Errorf("reading the interpreter of %s: %w", path, err)
			}
			return fmt.Errorf("%s is dynamically linked (interpreter %s): the image has no base image, so no libc "+
				"or loader; build it with CGO_ENABLED=0", path, strings.TrimRight(string(interp), "\x00"))
		}
	}
	return nil
}
