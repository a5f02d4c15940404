//! Unit tests of the heap: packed elements and fields, and the collector.

use super::*;

#[test]
fn elements_and_fields_keep_every_kind_of_value() {
    let mut heap = Heap::new(1 << 20, 1 << 20, 1 << 20);
    let s = heap.alloc_string("x").unwrap();
    let values = vec![
        Value::Unit,
        Value::Bool(true),
        Value::Int(-7),
        Value::Float(0.25),
        Value::Obj(s),
        Value::Enum(2, 3),
        Value::None,
    ];
    let a = Value::Obj(heap.alloc_array(values.clone()).unwrap());
    let read: Vec<Value> = heap.array(a).unwrap().iter().map(|p| p.get()).collect();
    assert_eq!(read, values);
    heap.push(a, Packed::new(Value::Int(9))).unwrap();
    assert_eq!(heap.pop(a).unwrap().get(), Value::Int(9));
    let fields = values.iter().copied().map(Packed::new).collect();
    let p = Value::Obj(heap.alloc(Object::Struct { ty: 0, fields }).unwrap());
    heap.fields_mut(p).unwrap()[2] = Packed::new(Value::Int(5));
    assert_eq!(heap.fields(p).unwrap()[2].get(), Value::Int(5));
    assert_eq!(heap.fields(p).unwrap()[4].get(), Value::Obj(s));
}

#[test]
fn the_collector_follows_handles_in_packed_elements_and_fields() {
    let mut heap = Heap::new(1 << 20, 1 << 20, 1 << 20);
    let s = heap.alloc_string("kept").unwrap();
    let t = heap.alloc_string("kept too").unwrap();
    let fields = vec![Packed::new(Value::Obj(t))].into_boxed_slice();
    let p = heap.alloc(Object::Struct { ty: 0, fields }).unwrap();
    let a = Value::Obj(
        heap.alloc_array(vec![Value::Int(1), Value::Obj(s), Value::Obj(p)])
            .unwrap(),
    );
    heap.collect([a]);
    assert_eq!(heap.stats().freed, 0);
    assert_eq!(heap.str(Value::Obj(s)), Some("kept"));
    assert_eq!(heap.str(Value::Obj(t)), Some("kept too"));
    heap.with_array(a, 0, |items| {
        items.truncate(1);
        Ok(())
    })
    .unwrap();
    heap.collect([a]);
    // Two strings of two objects each (the string and its buffer), and the struct.
    assert_eq!(heap.stats().freed, 5);
    assert_eq!(heap.str(Value::Obj(s)), None);
}
