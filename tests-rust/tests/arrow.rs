//! Decoded rows as an Arrow record batch: each column's type, NULLs, widening, declared types for
//! columns whose values do not tell, and the errors for values one column cannot hold.

use arrow_array::cast::AsArray;
use arrow_array::types::{
    Date32Type, Decimal128Type, Float64Type, Int64Type, Time64MicrosecondType,
    TimestampMicrosecondType,
};
use arrow_array::Array;
use arrow_schema::{DataType, TimeUnit};
use ferro_engine::arrow::record_batch;
use ferro_engine::Rows;
use ferro_sql::value::DateTimeParts;
use ferro_sql::{SqlType, Value};

fn rows(columns: &[&str], values: Vec<Value>) -> Rows {
    Rows {
        columns: columns.iter().map(|c| c.to_string()).collect(),
        values,
    }
}

fn parts(year: i32, month: u8, day: u8, hour: u8, utc_offset: Option<i32>) -> DateTimeParts {
    DateTimeParts {
        year,
        month,
        day,
        hour,
        minute: 30,
        second: 15,
        microsecond: 250,
        utc_offset,
    }
}

#[test]
fn scalar_columns_take_their_values_types_with_nulls() {
    let r = rows(
        &["id", "name", "ok", "score", "data"],
        vec![
            Value::Int(1),
            Value::Text("a".into()),
            Value::Bool(true),
            Value::Float(0.5),
            Value::Blob(vec![1, 2]),
            Value::Int(2),
            Value::Null,
            Value::Null,
            Value::Null,
            Value::Null,
        ],
    );
    let batch = record_batch(&r, &[]).expect("converts");
    assert_eq!(batch.num_rows(), 2);
    let schema = batch.schema();
    let types: Vec<_> = schema
        .fields()
        .iter()
        .map(|f| f.data_type().clone())
        .collect();
    assert_eq!(
        types,
        vec![
            DataType::Int64,
            DataType::Utf8,
            DataType::Boolean,
            DataType::Float64,
            DataType::Binary
        ]
    );
    assert_eq!(schema.field(1).name(), "name");
    let ids = batch.column(0).as_primitive::<Int64Type>();
    assert_eq!((ids.value(0), ids.value(1)), (1, 2));
    assert_eq!(batch.column(1).as_string::<i32>().value(0), "a");
    assert!(batch.column(1).is_null(1));
    assert!(batch.column(2).as_boolean().value(0));
    assert_eq!(batch.column(3).null_count(), 1);
    assert_eq!(batch.column(4).as_binary::<i32>().value(0), &[1, 2]);
}

#[test]
fn integers_among_floats_widen_to_float64() {
    let r = rows(&["x"], vec![Value::Int(2), Value::Float(0.5)]);
    let batch = record_batch(&r, &[]).expect("converts");
    let xs = batch.column(0).as_primitive::<Float64Type>();
    assert_eq!((xs.value(0), xs.value(1)), (2.0, 0.5));
}

#[test]
fn dates_times_and_timestamps_count_from_the_epoch() {
    let naive = parts(1970, 1, 2, 1, None);
    let aware = parts(1970, 1, 1, 2, Some(3600)); // 02:30:15 at +01:00 is 01:30:15 UTC
    let r = rows(
        &["day", "at", "aware", "t"],
        vec![
            Value::Date(parts(2000, 3, 1, 0, None)),
            Value::DateTime(naive),
            Value::DateTime(aware),
            Value::Time(parts(0, 1, 1, 1, None)),
        ],
    );
    let batch = record_batch(&r, &[]).expect("converts");
    assert_eq!(
        batch.column(0).as_primitive::<Date32Type>().value(0),
        11_017
    );
    let micros = |h: i64| ((h * 60 + 30) * 60 + 15) * 1_000_000 + 250;
    let at = batch.column(1).as_primitive::<TimestampMicrosecondType>();
    assert_eq!(at.value(0), 86_400_000_000 + micros(1));
    assert_eq!(
        batch.schema().field(1).data_type(),
        &DataType::Timestamp(TimeUnit::Microsecond, None)
    );
    let aware_col = batch.column(2).as_primitive::<TimestampMicrosecondType>();
    assert_eq!(aware_col.value(0), micros(1));
    assert_eq!(
        batch.schema().field(2).data_type(),
        &DataType::Timestamp(TimeUnit::Microsecond, Some("+00:00".into()))
    );
    assert_eq!(
        batch
            .column(3)
            .as_primitive::<Time64MicrosecondType>()
            .value(0),
        micros(1)
    );
}

#[test]
fn decimals_share_the_largest_scale_and_the_declared_one() {
    let r = rows(
        &["price"],
        vec![
            Value::Decimal("1.5".into()),
            Value::Decimal("-0.25".into()),
            Value::Int(3),
        ],
    );
    let declared = [SqlType::Numeric {
        precision: Some(10),
        scale: Some(3),
        as_decimal: true,
    }];
    let batch = record_batch(&r, &declared).expect("converts");
    assert_eq!(
        batch.schema().field(0).data_type(),
        &DataType::Decimal128(38, 3)
    );
    let d = batch.column(0).as_primitive::<Decimal128Type>();
    assert_eq!((d.value(0), d.value(1), d.value(2)), (1500, -250, 3000));
}

#[test]
fn an_all_null_column_takes_its_declared_type_or_null() {
    let r = rows(&["at", "unknown"], vec![Value::Null, Value::Null]);
    let batch = record_batch(&r, &[SqlType::DateTime { timezone: false }]).expect("converts");
    assert_eq!(
        batch.schema().field(0).data_type(),
        &DataType::Timestamp(TimeUnit::Microsecond, None)
    );
    assert_eq!(batch.schema().field(1).data_type(), &DataType::Null);
    assert_eq!(batch.column(1).len(), 1);
}

#[test]
fn an_empty_result_keeps_its_columns() {
    let r = rows(&["id", "name"], Vec::new());
    let batch = record_batch(&r, &[SqlType::Integer, SqlType::Text]).expect("converts");
    assert_eq!(batch.num_rows(), 0);
    assert_eq!(batch.schema().field(1).data_type(), &DataType::Utf8);
}

#[test]
fn a_column_mixing_text_and_numbers_is_an_error_naming_it() {
    let r = rows(&["mixed"], vec![Value::Int(1), Value::Text("x".into())]);
    let err = record_batch(&r, &[]).expect_err("mixed kinds");
    assert!(err.to_string().contains("column 'mixed'"), "{err}");
}

#[test]
fn a_decimal_in_exponent_form_is_an_error_not_a_wrong_number() {
    let r = rows(&["n"], vec![Value::Decimal("1E+2".into())]);
    assert!(record_batch(&r, &[]).is_err());
}
