//! PBS types as the checker sees them.

use prometeu_bytecode::HostType;
use std::fmt;

/// A static type.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Type {
    /// `int`
    Int,
    /// `float`
    Float,
    /// `bool`
    Bool,
    /// `string`
    Str,
    /// `void`: no value.
    Void,
    /// `[T]`: an array of `T`.
    Array(Box<Type>),
    /// A struct type, by name.
    Struct(String),
    /// `Bank`: a tile bank declared with `declare bank` (an int index at run time).
    Bank,
    /// `TileMap`: layers of tile indices, a heap object with reference semantics.
    TileMap,
    /// `Sound`: a sound declared with `declare sound` (an int index at run time).
    Sound,
    /// The type of an expression that already produced an error; it matches everything so
    /// that one mistake is reported once.
    Error,
    /// `T?`: a `T` or nothing. At run time `none` is its own value and `some(x)` is `x`
    /// itself, so an optional of a scalar needs no allocation.
    Optional(Box<Type>),
    /// An enum type, by (internal) name.
    Enum(String),
    /// `{K: V}`: a map from keys of type `K` to values of type `V`, a heap object with
    /// reference semantics that keeps its keys in insertion order.
    Map(Box<Type>, Box<Type>),
    /// `fn(int, int): bool`: a function value with these parameter and result types
    /// (`Void` for none).
    Func(Vec<Type>, Box<Type>),
    /// A contract type, by (internal) name: at run time the instance of whichever struct
    /// implementing it the value holds.
    Contract(String),
}

impl Type {
    /// Whether the type is the error type.
    pub fn is_error(&self) -> bool {
        matches!(self, Type::Error)
    }

    /// Whether a value of type `other` can be used where `self` is expected.
    pub fn accepts(&self, other: &Type) -> bool {
        self == other || self.is_error() || other.is_error()
    }

    /// The payload type of an optional; `None` for other types.
    pub fn payload(&self) -> Option<&Type> {
        match self {
            Type::Optional(inner) => Some(inner),
            _ => None,
        }
    }

    /// Where this type's values, and the elements of its arrays at each depth, are optional:
    /// bit `k` is set when the value `k` array levels down is optional (bit 0: the value
    /// itself). Struct fields are described by the program's struct table instead. Levels
    /// past 63 are not recorded.
    pub fn optional_shape(&self) -> u64 {
        let mut shape = 0u64;
        let mut ty = self;
        let mut depth = 0u32;
        while depth < 64 {
            if let Type::Optional(inner) = ty {
                shape |= 1 << depth;
                ty = inner;
            }
            match ty {
                // A map's values are one level down, like an array's elements.
                Type::Array(elem) | Type::Map(_, elem) => {
                    ty = elem;
                    depth += 1;
                }
                _ => break,
            }
        }
        shape
    }

    /// Whether values of the type live on the heap and compare by identity.
    pub fn is_reference(&self) -> bool {
        matches!(
            self,
            Type::Array(_) | Type::Struct(_) | Type::Contract(_) | Type::TileMap | Type::Map(..)
        )
    }

    /// Whether values of the type are numbers.
    pub fn is_numeric(&self) -> bool {
        matches!(self, Type::Int | Type::Float)
    }

    /// The type a host signature entry stands for (`Any` has none).
    pub fn from_host(t: HostType) -> Option<Type> {
        match t {
            HostType::Void => Some(Type::Void),
            HostType::Int => Some(Type::Int),
            HostType::Float => Some(Type::Float),
            HostType::Bool => Some(Type::Bool),
            HostType::Str => Some(Type::Str),
            HostType::Bank => Some(Type::Bank),
            HostType::TileMap => Some(Type::TileMap),
            HostType::Sound => Some(Type::Sound),
            HostType::Any => None,
        }
    }

    /// Whether a host parameter of type `param` accepts a value of this type.
    pub fn fits_host(&self, param: HostType) -> bool {
        match Type::from_host(param) {
            Some(t) => t.accepts(self),
            None => !matches!(self, Type::Void),
        }
    }
}

impl fmt::Display for Type {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Type::Array(inner) => return write!(f, "[{inner}]"),
            Type::Optional(inner) if matches!(**inner, Type::Func(..)) => {
                return write!(f, "({inner})?")
            }
            Type::Optional(inner) => return write!(f, "{inner}?"),
            Type::Map(key, value) => return write!(f, "{{{key}: {value}}}"),
            Type::Func(params, ret) => {
                f.write_str("fn(")?;
                for (i, p) in params.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{p}")?;
                }
                f.write_str(")")?;
                return match &**ret {
                    Type::Void => Ok(()),
                    ret => write!(f, ": {ret}"),
                };
            }
            Type::Struct(name) | Type::Enum(name) | Type::Contract(name) => name,
            Type::Int => "int",
            Type::Float => "float",
            Type::Bool => "bool",
            Type::Str => "string",
            Type::Void => "void",
            Type::Bank => "Bank",
            Type::TileMap => "TileMap",
            Type::Sound => "Sound",
            Type::Error => "{unknown}",
        })
    }
}
