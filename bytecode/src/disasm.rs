//! The disassembler: a program's bytecode as text, one instruction per line, with function
//! names, constant values and source lines interleaved.

use crate::{Constant, Instr, Program};
use std::fmt::Write;

/// A comment explaining an instruction's operand, such as a constant's value or a callee's name.
fn annotate(program: &Program, instr: &Instr) -> Option<String> {
    match *instr {
        Instr::Const(index) => program.constants.get(index as usize).map(|c| match *c {
            Constant::Int(v) => v.to_string(),
            Constant::Float(bits) => format!("{:?}", f64::from_bits(bits)),
            Constant::Str(s) => format!("{:?}", program.string(s)),
        }),
        Instr::GetGlobal(site) | Instr::SetGlobal(site) => program
            .global_sites
            .get(site as usize)
            .map(|&n| program.string(n).to_string()),
        Instr::Call(f) | Instr::FuncRef(f) | Instr::MakeClosure(f, _) => {
            program.functions.get(f as usize).map(|f| f.name.clone())
        }
        Instr::CallHost(h) | Instr::CallHostDrop(h) => {
            program.hosts.get(h as usize).map(|h| h.to_string())
        }
        Instr::NewStruct(ty) => program.structs.get(ty as usize).map(|s| s.name.clone()),
        Instr::PushEnum(ty, variant) => program.enums.get(ty as usize).and_then(|e| {
            e.variants
                .get(variant as usize)
                .map(|v| format!("{}.{}", e.name, v.name))
        }),
        Instr::CallContract(c, m, _) => program.contracts.get(c as usize).and_then(|c| {
            c.methods
                .get(m as usize)
                .map(|m| format!("{}.{}", c.name, m.name))
        }),
        Instr::FloatFn(func) => crate::FLOAT_FUNCTIONS
            .get(func as usize)
            .map(|name| name.to_string()),
        _ => None,
    }
}

/// Formats one instruction's operands (jump targets in hex, like pcs).
fn operands(instr: &Instr) -> String {
    let values = instr.operand_values();
    let target = crate::op::jump_target(instr);
    values
        .iter()
        .enumerate()
        .map(|(i, v)| {
            if target.is_some() && i == values.len() - 1 {
                format!("{v:04x}")
            } else {
                v.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The source line (1-based number and text) containing byte `offset`.
fn source_line(text: &str, offset: u32) -> Option<(usize, &str)> {
    let mut offset = (offset as usize).min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
    let line = text.get(..start)?.matches('\n').count() + 1;
    Some((line, text.get(start..end)?.trim_end_matches('\r')))
}

/// Disassembles one function of a program.
pub fn disassemble_function(program: &Program, index: usize) -> String {
    let mut out = String::new();
    let Some(f) = program.functions.get(index) else {
        return out;
    };
    let _ = writeln!(
        out,
        "fn {} (function {index}; params {}, locals {}, max stack {})",
        f.name, f.params, f.locals, f.max_stack
    );
    let mut last_line = None;
    // Lines of the entry file show their number; lines of an imported file also its name.
    let (file_name, file_text) = program.file(f.file).unwrap_or(("", None));
    for (pc, instr) in f.instructions() {
        if let (Some(text), Some((start, _))) = (file_text, f.span_at(pc)) {
            if let Some((line, src)) = source_line(text, start) {
                if last_line != Some(line) {
                    if f.file == 0 {
                        let _ = writeln!(out, "  ; {line:>4} | {}", src.trim());
                    } else {
                        let _ = writeln!(out, "  ; {file_name}:{line} | {}", src.trim());
                    }
                    last_line = Some(line);
                }
            }
        }
        let ops = operands(&instr);
        let head = format!(
            "  {pc:04x}  {}{}{}",
            instr.opcode().name(),
            if ops.is_empty() { "" } else { " " },
            ops
        );
        match annotate(program, &instr) {
            Some(note) => {
                let _ = writeln!(out, "{head:<34} ; {note}");
            }
            None => {
                let _ = writeln!(out, "{head}");
            }
        }
    }
    out
}

/// Disassembles a whole program: the asset table (when there are assets), then every
/// function in order, separated by blank lines.
pub fn disassemble(program: &Program) -> String {
    let functions = (0..program.functions.len())
        .map(|i| disassemble_function(program, i))
        .collect::<Vec<_>>()
        .join("\n");
    let functions = if program.contracts.is_empty() {
        functions
    } else {
        format!("{}\n{functions}", contract_table(program))
    };
    if program.assets.is_empty() {
        functions
    } else {
        format!("{}\n{functions}", asset_table(&program.assets))
    }
}

/// The contract table: one line per contract with its methods (name and parameter count
/// besides the receiver), and one per implementing struct with its method functions.
pub fn contract_table(program: &Program) -> String {
    let mut out = String::new();
    for (i, c) in program.contracts.iter().enumerate() {
        let methods: Vec<String> = c
            .methods
            .iter()
            .map(|m| format!("{}/{}", m.name, m.params))
            .collect();
        let _ = writeln!(out, "contract {i} {}: {}", c.name, methods.join(", "));
        for imp in &c.implementors {
            let name = program
                .structs
                .get(imp.ty as usize)
                .map_or("?", |s| s.name.as_str());
            let fns: Vec<String> = imp.functions.iter().map(u32::to_string).collect();
            let _ = writeln!(
                out,
                "  implemented by {name} (struct {}): functions {}",
                imp.ty,
                fns.join(", ")
            );
        }
    }
    out
}

/// The asset table: one line per bank and per map with its name, kind, size and tile count,
/// and one per sound with its file, sample count and length.
pub fn asset_table(assets: &crate::Assets) -> String {
    let mut out = String::from("assets\n");
    for (i, bank) in assets.banks.iter().enumerate() {
        let Some(image) = assets.images.get(bank.image as usize) else {
            continue;
        };
        let _ = writeln!(
            out,
            "  bank {i} {:<12} {:<20} {}x{} px, {} tiles of {t}x{t}, image {}",
            bank.name,
            image.name,
            image.width,
            image.height,
            crate::assets::tile_count(image, bank.tile),
            bank.image,
            t = bank.tile
        );
    }
    for (i, map) in assets.maps.iter().enumerate() {
        let _ = writeln!(
            out,
            "  map  {i} {:<33} {}x{} cells, {} layers",
            map.name, map.width, map.height, map.layers
        );
    }
    for (i, sound) in assets.sounds.iter().enumerate() {
        let samples = sound.samples.len();
        let _ = writeln!(
            out,
            "  sound {i} {:<32} {samples} samples, {}.{:03} s at 48 kHz",
            sound.name,
            samples / 48_000,
            samples % 48_000 / 48
        );
    }
    let sounds = match assets.sounds.len() {
        0 => String::new(),
        1 => ", 1 sound".to_string(),
        n => format!(", {n} sounds"),
    };
    let _ = writeln!(
        out,
        "  {} images{sounds}, {} bytes of asset data",
        assets.images.len(),
        assets.data_bytes()
    );
    out
}
