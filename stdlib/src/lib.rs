//! The PBS standard library: host functions registered into the VM by name and signature.
//!
//! [`hosts`] builds the registry the VM runs and the verifier checks against; the compiler
//! type-checks calls against [`Hosts::signatures`] of that same registry, so there is no
//! second list to keep in sync. [`constants`] lists the built-in constants (`Math.PI`, ...)
//! that the compiler inlines. This crate does no I/O: `print` writes to the VM's sink.
//!
//! Modules: `core` (`print`, `str`) and `math` (`Math.*`).
#![forbid(unsafe_code)]

mod arrays;
pub mod console;
mod core;
mod math;
mod strings;
mod template;
mod text;

use prometeu_bytecode::{BuiltinConstant, HostSig, HostType};
use prometeu_vm::{HostFn, Hosts};

/// Registers one host function from a compact description.
pub(crate) fn add(
    hosts: &mut Hosts,
    name: &str,
    params: &[HostType],
    result: HostType,
    cost: u32,
    func: HostFn,
) {
    hosts.register(
        HostSig {
            name: name.to_string(),
            params: params.to_vec(),
            result,
        },
        cost,
        func,
    );
}

/// The registry of every standard host function.
pub fn hosts() -> Hosts {
    let mut hosts = Hosts::new();
    core::register(&mut hosts);
    math::register(&mut hosts);
    arrays::register(&mut hosts);
    strings::register(&mut hosts);
    template::register(&mut hosts);
    console::register(&mut hosts);
    hosts
}

/// The built-in constants, by qualified name.
pub fn constants() -> Vec<(&'static str, BuiltinConstant)> {
    let mut constants = math::constants();
    constants.extend(console::constants());
    constants
}
